<?php
/**
 * Settings → Try-on button, through the Settings API: options.php checks the nonce that
 * settings_fields() prints and the manage_options capability, and register_setting's
 * sanitize_callback cleans every value before it is stored.
 *
 * @package TryOnButton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers the option, its sanitizer, the section and the fields.
 */
function try_on_button_register_settings() {
	register_setting(
		'try_on_button',
		'try_on_button_settings',
		array(
			'type'              => 'array',
			'sanitize_callback' => 'try_on_button_sanitize_settings',
			'default'           => try_on_button_default_settings(),
		)
	);
	add_settings_section( 'try_on_button_main', __( 'Endpoint and button', 'try-on-button' ), '__return_false', 'try-on-button' );

	$fields = array(
		'endpoint'         => __( 'Endpoint URL', 'try-on-button' ),
		'button_label'     => __( 'Button label', 'try-on-button' ),
		'merchant_name'    => __( 'Shop name in the consent text', 'try-on-button' ),
		'policy_url'       => __( 'Privacy policy URL', 'try-on-button' ),
		'default_category' => __( 'Default try-on category', 'try-on-button' ),
		'category_map'     => __( 'Category mapping', 'try-on-button' ),
		'accent'           => __( 'Button colour', 'try-on-button' ),
	);
	foreach ( $fields as $key => $label ) {
		add_settings_field(
			'try_on_button_' . $key,
			$label,
			'try_on_button_field',
			'try-on-button',
			'try_on_button_main',
			array(
				'key'       => $key,
				'label_for' => 'try_on_button_' . $key,
			)
		);
	}
}

/**
 * Adds the page under Settings.
 */
function try_on_button_add_settings_page() {
	add_options_page(
		__( 'Try-on button', 'try-on-button' ),
		__( 'Try-on button', 'try-on-button' ),
		'manage_options',
		'try-on-button',
		'try_on_button_settings_page'
	);
}

/**
 * A "Settings" link on the Plugins screen.
 *
 * @param string[] $links Existing links.
 * @return string[]
 */
function try_on_button_action_links( $links ) {
	$url = admin_url( 'options-general.php?page=try-on-button' );
	array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'try-on-button' ) . '</a>' );
	return $links;
}

/**
 * One settings field.
 *
 * @param array{key: string, label_for: string} $args Field arguments from add_settings_field.
 */
function try_on_button_field( $args ) {
	$settings = try_on_button_settings();
	$key      = $args['key'];
	$id       = $args['label_for'];
	$name     = 'try_on_button_settings[' . $key . ']';
	$value    = isset( $settings[ $key ] ) ? (string) $settings[ $key ] : '';

	switch ( $key ) {
		case 'default_category':
			echo '<select id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '">';
			echo '<option value="">' . esc_html__( 'None: only mapped products get a button', 'try-on-button' ) . '</option>';
			foreach ( try_on_button_categories() as $category ) {
				echo '<option value="' . esc_attr( $category ) . '"' . selected( $value, $category, false ) . '>' . esc_html( $category ) . '</option>';
			}
			echo '</select>';
			break;
		case 'category_map':
			echo '<textarea id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" rows="5" cols="40" class="code">' . esc_textarea( $value ) . '</textarea>';
			/* translators: %s: the list of try-on categories. */
			echo '<p class="description">' . esc_html( sprintf( __( 'One line per product category: its slug = a try-on category (%s), e.g. "t-shirts = top". A product\'s own try-on category wins.', 'try-on-button' ), implode( ', ', try_on_button_categories() ) ) ) . '</p>';
			break;
		case 'endpoint':
		case 'policy_url':
			echo '<input type="url" class="regular-text code" id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" value="' . esc_url( $value ) . '">';
			if ( 'endpoint' === $key ) {
				echo '<p class="description">' . esc_html__( 'The base URL of your try-on endpoint, e.g. https://tryon.example.com/api/try-on. Add this shop\'s address to the endpoint\'s TRYON_ALLOWED_ORIGINS.', 'try-on-button' ) . '</p>';
			}
			break;
		case 'accent':
			echo '<input type="text" class="small-text code" placeholder="#1f2a37" id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" value="' . esc_attr( $value ) . '">';
			break;
		default:
			echo '<input type="text" class="regular-text" id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" value="' . esc_attr( $value ) . '">';
	}
}

/**
 * The settings page.
 */
function try_on_button_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1>';
	if ( ! try_on_button_widget_present() ) {
		echo '<div class="notice notice-error"><p>' . esc_html__( 'The widget files are missing from assets/widget/, so no button is shown. Install a packaged release of the plugin, or build it as its README explains.', 'try-on-button' ) . '</p></div>';
	}
	echo '<p>' . esc_html__( 'Shoppers\' photos and the product image are sent to your try-on endpoint, which sends them to the AI try-on provider you configured there. Mention this in your privacy policy.', 'try-on-button' ) . '</p>';
	echo '<form action="options.php" method="post">';
	settings_fields( 'try_on_button' );
	do_settings_sections( 'try-on-button' );
	submit_button();
	echo '</form></div>';
}
