<?php
/**
 * Runs the plugin's pure functions outside WordPress for test/shipping/woocommerce.test.ts.
 * Reads a JSON list of calls on stdin ({"fn": "...", "args": [...]}) and prints their results
 * as JSON. The WordPress helpers they use are stubbed below with the same contracts as WP's
 * (escaping quotes and angle brackets, refusing unsafe URL schemes, stripping tags).
 */

define( 'ABSPATH', __DIR__ . '/' );

function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function try_on_button_test_safe_url( $url, $protocols ) {
	$url = trim( (string) $url );
	if ( '' === $url || preg_match( '/[\x00-\x1f\s]/', $url ) ) {
		return '';
	}
	if ( preg_match( '/^([a-z][a-z0-9+.-]*):/i', $url, $m ) && ! in_array( strtolower( $m[1] ), $protocols, true ) ) {
		return '';
	}
	return $url;
}
function esc_url( $url, $protocols = null ) {
	$url = try_on_button_test_safe_url( $url, $protocols ? $protocols : array( 'http', 'https', 'mailto' ) );
	return str_replace( array( '&', "'", '"', '<', '>' ), array( '&#038;', '&#039;', '&quot;', '%3C', '%3E' ), $url );
}
function esc_url_raw( $url, $protocols = null ) {
	return try_on_button_test_safe_url( $url, $protocols ? $protocols : array( 'http', 'https', 'mailto' ) );
}
// Like wp_strip_all_tags(): script and style elements go with their content.
function sanitize_text_field( $text ) {
	$text = preg_replace( '@<(script|style)[^>]*?>.*?</\\1>@si', '', (string) $text );
	$text = strip_tags( $text );
	$text = preg_replace( '/[\r\n\t ]+/', ' ', $text );
	return trim( $text );
}
function sanitize_title( $title ) {
	return trim( preg_replace( '/[^a-z0-9_-]+/', '-', strtolower( strip_tags( (string) $title ) ) ), '-' );
}
function sanitize_hex_color( $color ) {
	return preg_match( '/^#([A-Fa-f0-9]{3}){1,2}$/', (string) $color ) ? $color : null;
}
function get_option( $name, $fallback = false ) {
	return $fallback;
}

require dirname( __DIR__ ) . '/try-on-button/includes/options.php';
require dirname( __DIR__ ) . '/try-on-button/includes/render.php';

$allowed = array( 'try_on_button_markup', 'try_on_button_resolve_category', 'try_on_button_sanitize_settings', 'try_on_button_parse_category_map' );
$calls   = json_decode( stream_get_contents( STDIN ), true );
$results = array();
foreach ( (array) $calls as $call ) {
	if ( ! in_array( $call['fn'], $allowed, true ) ) {
		fwrite( STDERR, 'unknown function ' . $call['fn'] . "\n" );
		exit( 2 );
	}
	$results[] = call_user_func_array( $call['fn'], $call['args'] );
}
echo json_encode( $results, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
