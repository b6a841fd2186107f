/** A device timing model added as a plug-in: one class and one {@code provides} line. */
package org.sego.examples.plugins.device;
