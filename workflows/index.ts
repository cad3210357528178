export { generateImage } from './generateImage';
export { generateImagePart } from './generateImagePart';
export { session } from './session';
