/** The built-in attacks; their victims come from the trusted victim library ({@code org.sego.victims}). */
package org.sego.attacks;
