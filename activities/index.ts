/**
 * Activity factories, grouped by the task queue that serves them. Workflows import only the types.
 */
import type { ImageModel } from '../providers/imageModel';
import type { ObjectStore } from '../providers/objectStore';
import { renderImageActivity } from './renderImage';

export interface GpuDeps {
  imageModel: ImageModel;
  store: ObjectStore;
}

export function createGpuActivities(deps: GpuDeps) {
  return { renderImage: renderImageActivity(deps) };
}

export type GpuActivities = ReturnType<typeof createGpuActivities>;
