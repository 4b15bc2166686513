<?php
/**
 * The plugin's settings: one option array, its defaults and its sanitizer.
 *
 * @package TryOnButton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Garment categories the widget and endpoint understand (src/protocol.ts CATEGORIES).
 *
 * @return string[]
 */
function try_on_button_categories() {
	return array( 'top', 'bottom', 'dress', 'full', 'outerwear', 'shoes', 'watch', 'glasses', 'hat', 'bag', 'jewelry', 'accessory' );
}

/**
 * Default settings. An empty endpoint keeps the button hidden until the merchant sets one.
 *
 * @return array<string, string>
 */
function try_on_button_default_settings() {
	return array(
		'endpoint'         => '',
		'button_label'     => '',
		'merchant_name'    => '',
		'policy_url'       => '',
		'default_category' => '',
		'category_map'     => '',
		'accent'           => '',
	);
}

/**
 * The saved settings merged over the defaults.
 *
 * @return array<string, string>
 */
function try_on_button_settings() {
	$saved = get_option( 'try_on_button_settings', array() );
	return array_merge( try_on_button_default_settings(), is_array( $saved ) ? $saved : array() );
}

/**
 * Sanitizes the settings form on save (register_setting's sanitize_callback). Unknown keys are
 * dropped; every value is cleaned for its kind, so output can trust the types but still escapes.
 *
 * @param mixed $input Raw form values.
 * @return array<string, string>
 */
function try_on_button_sanitize_settings( $input ) {
	$input = is_array( $input ) ? $input : array();
	$clean = try_on_button_default_settings();

	$clean['endpoint']      = isset( $input['endpoint'] ) ? esc_url_raw( trim( (string) $input['endpoint'] ), array( 'https', 'http' ) ) : '';
	$clean['button_label']  = isset( $input['button_label'] ) ? sanitize_text_field( (string) $input['button_label'] ) : '';
	$clean['merchant_name'] = isset( $input['merchant_name'] ) ? sanitize_text_field( (string) $input['merchant_name'] ) : '';
	$clean['policy_url']    = isset( $input['policy_url'] ) ? esc_url_raw( trim( (string) $input['policy_url'] ), array( 'https', 'http' ) ) : '';
	$clean['accent']        = isset( $input['accent'] ) ? (string) sanitize_hex_color( (string) $input['accent'] ) : '';

	$default                   = isset( $input['default_category'] ) ? (string) $input['default_category'] : '';
	$clean['default_category'] = in_array( $default, try_on_button_categories(), true ) ? $default : '';

	$clean['category_map'] = isset( $input['category_map'] )
		? try_on_button_format_category_map( try_on_button_parse_category_map( (string) $input['category_map'] ) )
		: '';

	return $clean;
}

/**
 * Parses "product-category-slug = try-on category" lines; lines that do not name a known
 * category are dropped rather than guessed.
 *
 * @param string $text One mapping per line, e.g. "t-shirts = top".
 * @return array<string, string> Product category slug => try-on category.
 */
function try_on_button_parse_category_map( $text ) {
	$map = array();
	foreach ( preg_split( '/\r\n|\r|\n/', $text ) as $line ) {
		$parts = explode( '=', $line, 2 );
		if ( count( $parts ) !== 2 ) {
			continue;
		}
		$slug     = sanitize_title( trim( $parts[0] ) );
		$category = strtolower( trim( $parts[1] ) );
		if ( '' !== $slug && in_array( $category, try_on_button_categories(), true ) ) {
			$map[ $slug ] = $category;
		}
	}
	return $map;
}

/**
 * Writes a category map back as text lines.
 *
 * @param array<string, string> $map Product category slug => try-on category.
 * @return string
 */
function try_on_button_format_category_map( $map ) {
	$lines = array();
	foreach ( $map as $slug => $category ) {
		$lines[] = $slug . ' = ' . $category;
	}
	return implode( "\n", $lines );
}
