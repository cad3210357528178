export { generateImage } from './generateImage';
export { generateImagePart } from './generateImagePart';
export { session } from './session';
export { batch } from './batch';
export { batchCase } from './batchCase';
