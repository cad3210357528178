/** Object storage: any S3-compatible server (SeaweedFS locally, MinIO, AWS S3). */
import { z } from 'zod';
import { configSection } from '../configSection';
import { bool, int, optionalString, text } from './schemas';

export const objectStorageSettings = configSection(
  'Object storage',
  'Images, reports, manifests and wrapped data keys live in one bucket of any S3-compatible server.',
  {
    S3_ENDPOINT: {
      schema: optionalString.pipe(z.url().optional()),
      default: 'http://127.0.0.1:8333',
      description: 'Any S3-compatible endpoint; set it empty for AWS.',
    },
    S3_PUBLIC_ENDPOINT: {
      schema: optionalString.pipe(z.url().optional()),
      description: 'The host used in presigned URLs, when people reach storage by another name.',
    },
    S3_REGION: { schema: text, default: 'us-east-1', description: 'The region.' },
    S3_BUCKET: {
      schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'S3 bucket names are 3-63 lowercase letters, digits, dots or hyphens'),
      default: 'image-agent',
      description: 'The bucket.',
    },
    S3_ACCESS_KEY_ID: { schema: text, default: 'image-agent-dev', description: 'The access key id (the local stack’s by default).' },
    S3_SECRET_ACCESS_KEY: { schema: text, default: 'image-agent-dev-secret', description: 'The secret key (the local stack’s by default).', secret: true },
    S3_FORCE_PATH_STYLE: { schema: bool, default: 'true', description: 'Path-style addressing (SeaweedFS, MinIO).' },
    S3_PRESIGN_SECONDS: { schema: int(60, 604800), default: '3600', description: 'Lifetime of presigned URLs, in seconds.' },
  },
  (s) => ({
    endpoint: s.S3_ENDPOINT,
    publicEndpoint: s.S3_PUBLIC_ENDPOINT,
    region: s.S3_REGION,
    bucket: s.S3_BUCKET,
    accessKeyId: s.S3_ACCESS_KEY_ID,
    secretAccessKey: s.S3_SECRET_ACCESS_KEY,
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
    presignSeconds: s.S3_PRESIGN_SECONDS,
  }),
);
