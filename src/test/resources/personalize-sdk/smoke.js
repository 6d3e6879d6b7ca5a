// Drives the official Personalize Edge SDK against an Edge API URL (the Tessera simulator) and
// prints what it saw as one JSON line. Usage: node smoke.js <edge-url> <project-uid>
const Personalize = require('@contentstack/personalize-edge-sdk');

async function main() {
  const [edgeUrl, projectUid] = process.argv.slice(2);
  Personalize.setEdgeApiUrl(edgeUrl);

  const anonymous = await Personalize.init(projectUid, { userId: 'sdk-anon-1' });
  await anonymous.set({ cdp_aud_cart_abandoner_30m: true, cdp_orders: 0 });
  await anonymous.triggerEvent('purchase');
  await anonymous.setUserId('sdk-user-1', { preserveUserAttributes: true });

  const known = await Personalize.init(projectUid, {
    userId: 'sdk-user-1',
    liveAttributes: { cdp_aud_big_spenders: true },
  });
  console.log(JSON.stringify({
    anonymousExperiences: anonymous.getExperiences(),
    knownUserId: known.getUserId(),
    knownExperiences: known.getExperiences(),
    knownVariantAliases: known.getVariantAliases(),
  }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
