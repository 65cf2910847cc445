import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Env } from '../config/env';
import { ensureRuntime } from './runtime';

export interface TemporalTarget {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
}

/** Where to reach Temporal, from the environment (an embedded server passes its own address). */
export function temporalTarget(env: Env, embeddedAddress?: string): TemporalTarget {
  const address = env.TEMPORAL_ADDRESS ?? embeddedAddress;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set and no embedded server is running');
  let tls: TemporalTarget['tls'];
  if (env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY) {
    tls = {
      clientCertPair: { crt: fs.readFileSync(env.TEMPORAL_TLS_CERT), key: fs.readFileSync(env.TEMPORAL_TLS_KEY) },
    };
  } else if (env.TEMPORAL_API_KEY || env.TEMPORAL_TLS === 'true') {
    tls = true;
  }
  return { address, namespace: env.TEMPORAL_NAMESPACE, apiKey: env.TEMPORAL_API_KEY, tls };
}

function connectionOptions(target: TemporalTarget): ConnectionOptions & NativeConnectionOptions {
  return {
    address: target.address,
    ...(target.tls ? { tls: target.tls } : {}),
    ...(target.apiKey ? { apiKey: target.apiKey } : {}),
  };
}

export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(target));
  return new Client({ connection, namespace: target.namespace });
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  ensureRuntime();
  return NativeConnection.connect(connectionOptions(target));
}
