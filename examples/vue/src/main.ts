// Registers <try-on-button> before Vue mounts, so Vue sees its properties.
import 'try-on-button/define';
// The package's template typings for <try-on-button> (type-only: nothing is bundled).
import type {} from 'try-on-button/vue';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
