// noble_crosscheck.mjs - luxc's ML-KEM-768 / ML-DSA-65 against
// @noble/post-quantum (pinned in tests/crypto/noble/package-lock.json, an
// independent TypeScript implementation), byte for byte, both directions.
// Pinned: 0.4.1 (final FIPS 203/204, runs on Node >= 18, i.e. also on
// Debian 12's own nodejs; 0.5+ need Node >= 20.19). The script also speaks
// the 0.5+ API; 0.7.1 was checked to agree as well (220/220).
//
// usage: node noble_crosscheck.mjs <noble_helper binary> <dir holding node_modules>
// Inputs are fixed (derived with SHAKE256 from a label and a case number),
// so a failure reproduces. For each case:
//   ML-KEM: keygen(d||z) ek and dk, encaps(ek, m) ct and ss agree; each side
//           decapsulates the other's ciphertext to the same ss.
//   ML-DSA: keygen(xi) pk; deterministic (rnd = 0) and caller-rnd signatures
//           with a context agree byte for byte; noble verifies luxc's
//           signatures (incl. luxc's hedged ones, rnd unknown to noble), luxc
//           verifies noble's hedged signatures, and both reject a signature
//           with one flipped bit.
// Exit 0 = all agree, 1 = a mismatch (printed), 2 = set-up problem.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [helper, nobleDir] = process.argv.slice(2);
if (!helper || !nobleDir) {
  console.error('usage: node noble_crosscheck.mjs <noble_helper> <noble dir>');
  process.exit(2);
}
const pq = join(nobleDir, 'node_modules', '@noble', 'post-quantum');
let version, PINNED;
try {
  PINNED = JSON.parse(readFileSync(join(nobleDir, 'package.json'), 'utf8'))
    .dependencies['@noble/post-quantum'];
  version = JSON.parse(readFileSync(join(pq, 'package.json'), 'utf8')).version;
} catch (e) {
  console.error(`FAIL: @noble/post-quantum is not installed in ${nobleDir} ` +
                `(configure runs npm ci there; is npm available / was it offline?)`);
  process.exit(2);
}
if (version !== PINNED) {
  console.error(`FAIL: @noble/post-quantum ${version} installed, ${PINNED} pinned`);
  process.exit(2);
}
// Prefer a package's esm/ build when it has one (0.4.x ships CJS at the top).
const imp = (dir, file) => {
  const esm = join(dir, 'esm', file);
  return import(pathToFileURL(existsSync(esm) ? esm : join(dir, file)).href);
};
const { ml_kem768 } = await imp(pq, 'ml-kem.js');
const { ml_dsa65 } = await imp(pq, 'ml-dsa.js');
const { shake256 } = await imp(join(nobleDir, 'node_modules', '@noble', 'hashes'), 'sha3.js');

// The ML-DSA call shape changed in 0.5.0: before, sign(sk, msg, ctx, rnd)
// (rnd omitted = deterministic) and verify(pk, msg, sig, ctx); since,
// sign(msg, sk, { context, extraEntropy }) (omitted = hedged) and
// verify(sig, msg, pk, { context }). rnd === null asks for a hedged
// signature with fresh randomness.
const [maj, min] = version.split('.').map(Number);
const newApi = maj > 0 || min >= 5;
const dsaSign = (msg, sk, ctx, rnd) => {
  if (newApi)
    return ml_dsa65.sign(msg, sk, { context: ctx, extraEntropy: rnd === null ? undefined :
                                    rnd.every((b) => b === 0) ? false : rnd });
  return ml_dsa65.sign(sk, msg, ctx, rnd === null ? new Uint8Array(randomBytes(32)) : rnd);
};
const dsaVerify = (sig, msg, pk, ctx) =>
  newApi ? ml_dsa65.verify(sig, msg, pk, { context: ctx }) : ml_dsa65.verify(pk, msg, sig, ctx);

const hex = (u) => (u.length ? Buffer.from(u).toString('hex') : '-');
const unhex = (s) => new Uint8Array(s === '-' ? [] : Buffer.from(s, 'hex'));
const eq = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const derive = (label, i, n) =>
  shake256(new TextEncoder().encode(`luxc-noble/${label}/${i}`), { dkLen: n });
const flip = (u, bit) => { const c = Uint8Array.from(u); c[bit >> 3] ^= 1 << (bit & 7); return c; };

function runHelper(lines) {
  const r = spawnSync(helper, [], { input: lines.join('\n') + '\n', maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) {
    console.error(`FAIL: helper exited ${r.status}: ${r.error ?? ''}\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  const out = r.stdout.toString().trimEnd().split('\n');
  if (out.length !== lines.length) {
    console.error(`FAIL: helper answered ${out.length} lines for ${lines.length} commands`);
    process.exit(1);
  }
  return out.map((l) => l.split(' '));
}

let failures = 0, checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) { failures++; console.error(`MISMATCH: ${what}`); }
}

// ---- ML-KEM-768 ----------------------------------------------------------
const NKEM = 16;
const kemIn = [];
for (let i = 0; i < NKEM; i++) kemIn.push({ seed: derive('kem-dz', i, 64), m: derive('kem-m', i, 32) });
const kemOut = runHelper(kemIn.map((c) => `kem ${hex(c.seed)} ${hex(c.m)}`));
const decCmds = [];
for (let i = 0; i < NKEM; i++) {
  const [ek, dk, ct, ss] = kemOut[i].map(unhex);
  const kp = ml_kem768.keygen(kemIn[i].seed);
  check(eq(kp.publicKey, ek), `kem ${i}: ek`);
  check(eq(kp.secretKey, dk), `kem ${i}: dk`);
  const enc = ml_kem768.encapsulate(kp.publicKey, kemIn[i].m);
  check(eq(enc.cipherText, ct), `kem ${i}: ciphertext`);
  check(eq(enc.sharedSecret, ss), `kem ${i}: shared secret`);
  check(eq(ml_kem768.decapsulate(ct, kp.secretKey), ss), `kem ${i}: noble decaps of luxc ct`);
  // noble encapsulates with its own randomness; luxc must decapsulate it.
  const r = ml_kem768.encapsulate(ek);
  kemIn[i].nobleSS = r.sharedSecret;
  decCmds.push(`kemdec ${hex(dk)} ${hex(r.cipherText)}`);
  // and a modified ciphertext gives both the same implicit-rejection key
  const bad = flip(r.cipherText, 8 * i + 3);
  kemIn[i].rejSS = ml_kem768.decapsulate(bad, kp.secretKey);
  decCmds.push(`kemdec ${hex(dk)} ${hex(bad)}`);
}
const decOut = runHelper(decCmds);
for (let i = 0; i < NKEM; i++) {
  check(eq(unhex(decOut[2 * i][0]), kemIn[i].nobleSS), `kem ${i}: luxc decaps of noble ct`);
  check(eq(unhex(decOut[2 * i + 1][0]), kemIn[i].rejSS), `kem ${i}: implicit rejection key`);
}

// ---- ML-DSA-65 -----------------------------------------------------------
const NDSA = 12;
const mlens = [0, 1, 32, 33, 136, 137, 1000, 3309, 4096, 5, 64, 255];
const ctxlens = [0, 1, 255, 13, 0, 32, 7, 0, 100, 254, 2, 0];
const dsaIn = [];
for (let i = 0; i < NDSA; i++) {
  dsaIn.push({
    xi: derive('dsa-xi', i, 32),
    rnd: i % 3 === 0 ? new Uint8Array(32) : derive('dsa-rnd', i, 32), // every third: deterministic
    ctx: derive('dsa-ctx', i, ctxlens[i]),
    msg: derive('dsa-msg', i, mlens[i]),
  });
}
const cmds = [];
for (const c of dsaIn) {
  cmds.push(`dsa ${hex(c.xi)} ${hex(c.rnd)} ${hex(c.ctx)} ${hex(c.msg)}`);
  cmds.push(`dsahedged ${hex(c.xi)} ${hex(c.ctx)} ${hex(c.msg)}`);
}
const dsaOut = runHelper(cmds);
const verCmds = [];
for (let i = 0; i < NDSA; i++) {
  const c = dsaIn[i];
  const [pk, sig] = dsaOut[2 * i].map(unhex);
  const hsig = unhex(dsaOut[2 * i + 1][0]);
  const kp = ml_dsa65.keygen(c.xi);
  check(eq(kp.publicKey, pk), `dsa ${i}: pk`);
  const nsig = dsaSign(c.msg, kp.secretKey, c.ctx, c.rnd);
  check(eq(nsig, sig), `dsa ${i}: signature (mlen ${c.msg.length}, ctx ${c.ctx.length})`);
  check(dsaVerify(sig, c.msg, pk, c.ctx), `dsa ${i}: noble verifies luxc sig`);
  check(dsaVerify(hsig, c.msg, pk, c.ctx), `dsa ${i}: noble verifies luxc hedged sig`);
  check(!dsaVerify(flip(sig, 8 * 100 + i), c.msg, pk, c.ctx),
        `dsa ${i}: noble rejects a flipped luxc sig`);
  const wrongCtx = c.ctx.length ? flip(c.ctx, 0) : new Uint8Array([1]);
  check(!dsaVerify(sig, c.msg, pk, wrongCtx), `dsa ${i}: noble rejects wrong ctx`);
  // noble's hedged signature (fresh randomness, unknown to luxc) for luxc to verify
  const nh = dsaSign(c.msg, kp.secretKey, c.ctx, null);
  verCmds.push(`dsaver ${hex(pk)} ${hex(c.ctx)} ${hex(c.msg)} ${hex(nh)}`);
  verCmds.push(`dsaver ${hex(pk)} ${hex(c.ctx)} ${hex(c.msg)} ${hex(flip(nh, 8 * 2000 + i))}`);
  verCmds.push(`dsaver ${hex(pk)} ${hex(wrongCtx)} ${hex(c.msg)} ${hex(nh)}`);
}
const verOut = runHelper(verCmds);
for (let i = 0; i < NDSA; i++) {
  check(verOut[3 * i][0] === 'ok', `dsa ${i}: luxc verifies noble hedged sig`);
  check(verOut[3 * i + 1][0] === 'bad', `dsa ${i}: luxc rejects a flipped noble sig`);
  check(verOut[3 * i + 2][0] === 'bad', `dsa ${i}: luxc rejects noble sig under a wrong ctx`);
}

console.log(`noble cross-check (@noble/post-quantum ${version}, node ${process.version}): ` +
            `${NKEM} ML-KEM-768 cases, ${NDSA} ML-DSA-65 cases, ${checks - failures}/${checks} checks agree`);
process.exit(failures ? 1 : 0);
