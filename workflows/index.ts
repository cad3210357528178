export { generateImage } from './generate/generateImage';
export { generateImagePart } from './generate/images/generateImagePart';
export { session } from './session/session';
export { batch } from './batch/batch';
export { batchCase } from './batch/batchCase';
