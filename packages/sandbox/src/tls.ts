import { generate } from 'selfsigned';

export interface SelfSignedCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate; trust it with `NODE_EXTRA_CA_CERTS` or a connector's `caFile` option. */
  cert: string;
}

/**
 * A fresh self-signed certificate for `localhost` and `127.0.0.1`, generated at start-up for the
 * HTTPS sandboxes (Entra ID: the Azure identity library refuses a non-https authority host).
 */
export async function generateLocalhostCertificate(): Promise<SelfSignedCertificate> {
  const now = new Date();
  const result = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: result.private, cert: result.cert };
}
