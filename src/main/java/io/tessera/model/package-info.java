/** Types that travel between the stages: accepted events and the identifiers they carry. */
package io.tessera.model;
