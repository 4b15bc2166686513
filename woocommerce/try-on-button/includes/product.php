<?php
/**
 * The product page hook and the per-product category field in the product editor.
 *
 * @package TryOnButton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Prints the button after the add-to-cart button (woocommerce_after_add_to_cart_button) for
 * the product being shown, and enqueues the widget when a button was printed.
 */
function try_on_button_output_for_current_product() {
	global $product;
	if ( ! $product instanceof WC_Product || ! try_on_button_widget_present() ) {
		return;
	}
	$settings = try_on_button_settings();
	$image_id = $product->get_image_id();
	$garment  = $image_id ? wp_get_attachment_image_url( $image_id, 'large' ) : '';
	$terms    = wc_get_product_terms( $product->get_id(), 'product_cat', array( 'fields' => 'slugs' ) );
	$category = try_on_button_resolve_category(
		(string) $product->get_meta( '_try_on_category' ),
		is_array( $terms ) ? $terms : array(),
		try_on_button_parse_category_map( $settings['category_map'] ),
		$settings['default_category']
	);

	$html = try_on_button_markup(
		array(
			'endpoint'   => $settings['endpoint'],
			'garment'    => $garment ? $garment : '',
			'category'   => $category,
			'product'    => (string) $product->get_id(),
			'merchant'   => '' !== $settings['merchant_name'] ? $settings['merchant_name'] : get_bloginfo( 'name' ),
			'policy_url' => '' !== $settings['policy_url'] ? $settings['policy_url'] : (string) get_privacy_policy_url(),
			'lang'       => get_bloginfo( 'language' ),
			'label'      => $settings['button_label'],
			'accent'     => $settings['accent'],
		)
	);
	if ( '' === $html ) {
		return;
	}
	try_on_button_enqueue_widget();
	echo $html; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- every value is escaped in try_on_button_markup().
}

/**
 * A "Try-on category" select in the product editor's General tab.
 */
function try_on_button_product_field() {
	$options = array( '' => __( 'From the category mapping', 'try-on-button' ) );
	foreach ( try_on_button_categories() as $category ) {
		$options[ $category ] = $category;
	}
	woocommerce_wp_select(
		array(
			'id'          => '_try_on_category',
			'label'       => __( 'Try-on category', 'try-on-button' ),
			'options'     => $options,
			'desc_tip'    => true,
			'description' => __( 'What kind of garment this is for the virtual try-on. Leave it to use the mapping in Settings → Try-on button.', 'try-on-button' ),
		)
	);
}

/**
 * Saves the product's try-on category. WooCommerce has checked the product form's nonce and
 * the user's edit_post capability before this hook (woocommerce_admin_process_product_object).
 *
 * @param WC_Product $product The product being saved.
 */
function try_on_button_save_product_field( $product ) {
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified by WooCommerce before this hook.
	$value = isset( $_POST['_try_on_category'] ) ? sanitize_key( wp_unslash( $_POST['_try_on_category'] ) ) : '';
	if ( in_array( $value, try_on_button_categories(), true ) ) {
		$product->update_meta_data( '_try_on_category', $value );
	} else {
		$product->delete_meta_data( '_try_on_category' );
	}
}
