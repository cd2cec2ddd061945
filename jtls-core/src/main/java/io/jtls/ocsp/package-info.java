/**
 * OCSP stapling beyond Node: {@link io.jtls.ocsp.OcspStapler}, a ready-made
 * {@code 'OCSPRequest'} listener that fetches, caches and refreshes each certificate's OCSP
 * response from the responder its certificate names.
 */
package io.jtls.ocsp;
