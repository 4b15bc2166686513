// Registers <try-on-button> before Vue mounts, so Vue sees its properties.
import 'try-on-button/define';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
