<?php
/**
 * Removes the plugin's settings and per-product categories when the plugin is deleted.
 *
 * @package TryOnButton
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

delete_option( 'try_on_button_settings' );
delete_post_meta_by_key( '_try_on_category' );
