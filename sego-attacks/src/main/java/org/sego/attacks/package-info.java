/** The built-in attacks and the victim HAP they share. */
package org.sego.attacks;
