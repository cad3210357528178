export { generateImage } from './generateImage';
