/**
 * Choosing a model vendor per role (providers/modelVendors.ts, read by common/config.ts): the default and
 * each role's own choice, the settings a chosen vendor needs, and the label runs carry. Needs no stack.
 */
import { ConfigError } from '../../common/config';
import { describeConfig, loadConfig } from '../../config/loadConfig';
import { providersLabel } from '../../common/modelCall';
import { MODEL_ROLES } from '../../common/modelRoles';
import { VENDOR_NAMES } from '../../providers/modelVendors';
import { createAgentModels, createImageModel } from '../../providers/registry';

// Only the model settings vary; nothing here connects anywhere.
const load = (env: Record<string, string>) => loadConfig({ PATH: process.env.PATH, ...env });
const IMAGE_SERVER = { IMAGE_AGENT_IMAGE_VENDOR: 'image-server', IMAGE_SERVER_BASE_URL: 'http://127.0.0.1:8091/v1', IMAGE_SERVER_MODEL: 'qwen-image' };

test('with no key every role is offline, and with an OpenAI key or URL every role is on openai (auto)', () => {
  const offline = load({});
  expect(Object.values(offline.models.vendors).every((v) => v === 'offline')).toBe(true);
  expect(offline.models.mode).toBe('offline');
  const openai = load({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' });
  expect(MODEL_ROLES.every((role) => openai.models.vendors[role] === 'openai')).toBe(true);
  expect(openai.models.mode).toBe('openai');
});

test('one role on the image server, the others on the default; the label names both', () => {
  const config = load({ OPENAI_API_KEY: 'sk-x', ...IMAGE_SERVER });
  expect(config.models.vendors.image).toBe('image-server');
  expect(config.models.vendors.planner).toBe('openai');
  expect(config.models.mode).toBe('image-server+openai');
  const image = createImageModel(config);
  expect({ provider: image.provider, model: image.model }).toEqual({ provider: 'image-server', model: 'qwen-image' });
  expect(createAgentModels(config).provider).toBe('image-server+openai');
});

test('any role left offline labels the whole configuration offline', () => {
  const config = load({ ...IMAGE_SERVER, IMAGE_AGENT_PROVIDERS: 'offline' });
  expect(config.models.vendors.image).toBe('image-server');
  expect(config.models.mode).toBe('offline');
  expect(providersLabel(['openai', 'image-server', 'openai'])).toBe('image-server+openai');
  expect(providersLabel(['image-server', 'offline'])).toBe('offline');
});

test.each([
  [{ IMAGE_AGENT_IMAGE_VENDOR: 'dall-e' }, /IMAGE_AGENT_IMAGE_VENDOR: unknown model vendor "dall-e" \(one of image-server, offline, openai\)/],
  [{ ...IMAGE_SERVER, IMAGE_AGENT_PLANNER_VENDOR: 'image-server' }, /the vendor image-server has no planner role \(vendors with one: offline, openai\)/],
  [{ IMAGE_AGENT_IMAGE_VENDOR: 'image-server', IMAGE_SERVER_MODEL: 'm' }, /the model vendor image-server needs IMAGE_SERVER_BASE_URL/],
  [{ ...IMAGE_SERVER, IMAGE_SERVER_BASE_URL: 'not a url' }, /IMAGE_SERVER_BASE_URL: not a URL/],
  [{ ...IMAGE_SERVER, IMAGE_SERVER_SIZE: 'big' }, /IMAGE_SERVER_SIZE: a size looks like 1024x1024/],
  [{ IMAGE_AGENT_PROVIDERS: 'openai' }, /the model vendor openai needs OPENAI_API_KEY or OPENAI_BASE_URL/],
  [{ IMAGE_AGENT_PROVIDERS: 'image-server', ...IMAGE_SERVER }, /IMAGE_AGENT_PROVIDERS=image-server: the vendor image-server has no planner role/],
])('bad model settings are named, with the fix: %j', (env, message) => {
  expect(() => load(env)).toThrow(ConfigError);
  expect(() => load(env)).toThrow(message);
});

test('every vendor is one of the choices, and no vendor key is printed with the configuration or a configuration error', () => {
  expect([...VENDOR_NAMES].sort()).toEqual(['image-server', 'offline', 'openai']);
  const config = load({ OPENAI_API_KEY: 'sk-chat-secret', ...IMAGE_SERVER, IMAGE_SERVER_API_KEY: 'sk-image-secret' });
  expect(config.models.settings.IMAGE_SERVER_API_KEY).toBe('sk-image-secret');
  let failure: unknown;
  try {
    load({ ...IMAGE_SERVER, OPENAI_API_KEY: 'sk-chat-secret', IMAGE_SERVER_API_KEY: 'sk-image-secret', IMAGE_SERVER_SIZE: 'x' });
  } catch (err) {
    failure = err;
  }
  expect(failure).toBeInstanceOf(ConfigError);
  expect(String(failure)).not.toContain('sk-image-secret');
  expect(JSON.stringify(describeConfig(config))).not.toMatch(/sk-(chat|image)-secret/);
});
