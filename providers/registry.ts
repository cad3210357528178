/**
 * Picks the implementation of each provider role from configuration: OpenAI-compatible endpoints when
 * configured, deterministic offline implementations otherwise (the zero-key default, labelled in every output).
 */
import type { AppConfig } from '../common/config';
import type { ProviderLabel } from '../common/types';
import type { ImageModel } from './imageModel';
import { OfflineImageModel } from './offline/offlineImageModel';
import { createOpenAIClient } from './openai/openaiClient';
import { OpenAIImageModel } from './openai/openaiImageModel';

export function providerLabel(config: AppConfig): ProviderLabel {
  return config.models.mode;
}

export function createImageModel(config: AppConfig): ImageModel {
  if (config.models.mode === 'offline') return new OfflineImageModel();
  return new OpenAIImageModel(createOpenAIClient(config.models.image), config.models.roles.image, { sendSeed: config.models.sendSeed });
}
