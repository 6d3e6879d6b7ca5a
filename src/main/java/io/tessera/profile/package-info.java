/**
 * Stage 3, profile: computed traits and rule audiences (definitions.md).
 *
 * <ul>
 *   <li>Input: each resolved event, with the profile it is credited to.
 *   <li>Output: {@link io.tessera.profile.AudienceTransition}s; trait values and memberships in the
 *       profile snapshots.
 *   <li>Key and state: the profile's {@link io.tessera.identity.ProfileState}, where the identity
 *       stage keeps it: a merge must move trait buckets in the same step that decides it, so the
 *       computation runs inside the identity operator through {@link
 *       io.tessera.identity.IdentityGraph.ProfileHooks}. One wake-up per profile, at the next
 *       bucket expiry or relative-time flip.
 * </ul>
 *
 * <p>The decisions are plain Java: {@link io.tessera.profile.ProfileComputer} over the trait engine
 * ({@link io.tessera.traits.TraitEngine}) and the predicate language ({@link
 * io.tessera.definitions.PredicateEvaluator}).
 */
package io.tessera.profile;
