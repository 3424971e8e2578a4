import { DEMO_APP_KEY, DEMO_APP_SECRET, signatureHeader } from './signature.js';

// Prints a Signature header value, signed now, for trying GET /signed/ping:
//
//   curl -H "Signature: $(npx tsx examples/sign-request.ts)" http://localhost:3000/signed/ping
//
// Signs for the demo application unless APP_KEY and APP_SECRET are set.
const appKey = process.env.APP_KEY ?? DEMO_APP_KEY;
const secret = process.env.APP_SECRET ?? DEMO_APP_SECRET;
console.log(signatureHeader(appKey, secret));
