/** The model vendors, one line each (see modelVendor.ts): a new vendor is its own folder plus a line here. */
export { offlineVendor } from './offline/offlineVendor';
export { openaiVendor } from './openai/openaiVendor';
export { imageServerVendor } from './imageServer/imageServerVendor';
