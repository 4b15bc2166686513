<?php
/**
 * The button's markup and the choice of its garment category. Pure functions (no WordPress
 * state beyond the escaping helpers) so they can be tested outside WordPress.
 *
 * @package TryOnButton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Picks the try-on category of a product: its own setting first, then the first of its
 * product categories that the mapping names, then the shop-wide default ('' means no button).
 *
 * @param string                $product_setting Per-product meta `_try_on_category` ('' if unset).
 * @param string[]              $term_slugs      Slugs of the product's categories (product_cat).
 * @param array<string, string> $map             Product category slug => try-on category.
 * @param string                $fallback        The default category from the settings.
 * @return string A category from try_on_button_categories(), or ''.
 */
function try_on_button_resolve_category( $product_setting, $term_slugs, $map, $fallback ) {
	$categories = try_on_button_categories();
	if ( in_array( $product_setting, $categories, true ) ) {
		return $product_setting;
	}
	foreach ( $term_slugs as $slug ) {
		if ( isset( $map[ $slug ] ) && in_array( $map[ $slug ], $categories, true ) ) {
			return $map[ $slug ];
		}
	}
	return in_array( $fallback, $categories, true ) ? $fallback : '';
}

/**
 * The `<try-on-button>` element for one product, every value escaped for its context.
 * Returns '' when the endpoint, garment image or category is missing: a button that can only
 * fail is worse than none.
 *
 * @param array<string, string> $args endpoint, garment, category, product, merchant, policy_url, lang, label, accent.
 * @return string HTML.
 */
function try_on_button_markup( $args ) {
	$args = array_merge(
		array(
			'endpoint'   => '',
			'garment'    => '',
			'category'   => '',
			'product'    => '',
			'merchant'   => '',
			'policy_url' => '',
			'lang'       => '',
			'label'      => '',
			'accent'     => '',
		),
		$args
	);
	if ( '' === $args['endpoint'] || '' === $args['garment'] || ! in_array( $args['category'], try_on_button_categories(), true ) ) {
		return '';
	}

	$attributes = array(
		'class'    => 'try-on-button',
		'endpoint' => esc_url( $args['endpoint'] ),
		'garment'  => esc_url( $args['garment'] ),
		'category' => esc_attr( $args['category'] ),
	);
	if ( '' !== $args['product'] ) {
		$attributes['product'] = esc_attr( $args['product'] );
	}
	if ( '' !== $args['merchant'] ) {
		$attributes['merchant'] = esc_attr( $args['merchant'] );
	}
	if ( '' !== $args['policy_url'] ) {
		$attributes['policy-url'] = esc_url( $args['policy_url'] );
	}
	if ( '' !== $args['lang'] ) {
		$attributes['lang'] = esc_attr( $args['lang'] );
	}
	// Only a plain hex colour reaches the style attribute, whatever was stored.
	if ( preg_match( '/^#(?:[0-9a-fA-F]{3}){1,2}$/', $args['accent'] ) ) {
		$attributes['style'] = esc_attr( '--try-on-accent: ' . $args['accent'] );
	}

	$html = '<div class="try-on-button-wrap"><try-on-button';
	foreach ( $attributes as $name => $value ) {
		$html .= ' ' . $name . '="' . $value . '"';
	}
	$html .= '>' . ( '' !== $args['label'] ? esc_html( $args['label'] ) : '' ) . '</try-on-button></div>';
	return $html;
}
