<?php
/**
 * Loads the widget, bundled in assets/widget/ (never from a third-party CDN), as an ES module.
 *
 * @package TryOnButton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Whether the widget build was copied into the plugin (see the plugin's readme).
 *
 * @return bool
 */
function try_on_button_widget_present() {
	return file_exists( dirname( TRY_ON_BUTTON_FILE ) . '/assets/widget/try-on-button.js' );
}

/**
 * Enqueues the widget entry. Called while a button is rendered, so pages without one load
 * nothing; both paths print the tag in the footer. WordPress 6.5+ has script modules; older
 * versions get a classic enqueue whose tag is rewritten to type="module".
 */
function try_on_button_enqueue_widget() {
	$src = plugins_url( 'assets/widget/try-on-button.js', TRY_ON_BUTTON_FILE );
	if ( function_exists( 'wp_enqueue_script_module' ) ) {
		wp_enqueue_script_module( 'try-on-button', $src, array(), TRY_ON_BUTTON_VERSION );
		return;
	}
	wp_enqueue_script( 'try-on-button', $src, array(), TRY_ON_BUTTON_VERSION, array( 'in_footer' => true ) );
	add_filter( 'script_loader_tag', 'try_on_button_module_tag', 10, 3 );
}

/**
 * Turns the classic script tag of the widget into a module script (WordPress before 6.5).
 *
 * @param string $tag    The tag WordPress built.
 * @param string $handle Script handle.
 * @param string $src    Script URL.
 * @return string
 */
function try_on_button_module_tag( $tag, $handle, $src ) {
	if ( 'try-on-button' !== $handle ) {
		return $tag;
	}
	// phpcs:ignore WordPress.WP.EnqueuedResources.NonEnqueuedScript -- this is the enqueued script's own tag.
	return '<script type="module" src="' . esc_url( $src ) . '" id="try-on-button-js"></script>' . "\n";
}
