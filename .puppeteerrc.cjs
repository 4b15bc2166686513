// puppeteer (pulled in by @web/test-runner-puppeteer, which drives Firefox ESR) must not download a
// browser of its own on install: this machine and CI use Debian's firefox-esr and chromium.
module.exports = { skipDownload: true };
