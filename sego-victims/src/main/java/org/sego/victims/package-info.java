/**
 * The trusted victim library: the HAPs the judge runs attacks against, each holding secret data
 * with canaries of a seed only the judge knows. Not exported: an attack names a victim and never
 * reaches its code or state.
 */
package org.sego.victims;
