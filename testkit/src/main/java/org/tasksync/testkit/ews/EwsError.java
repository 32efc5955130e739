package org.tasksync.testkit.ews;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An EWS error with its response code, as the simulator answers it: inside one response message
 * ({@code ResponseClass="Error"}), or, when {@link #soapFault} is set, as a SOAP fault for the whole
 * request on HTTP 500.
 */
final class EwsError extends Exception {

    private static final long serialVersionUID = 1L;

    final String code;
    final boolean soapFault;
    /** Name/value pairs for {@code MessageXml}, such as BackOffMilliseconds. */
    final Map<String, String> details = new LinkedHashMap<>();

    EwsError(String code, String message) {
        this(code, message, false);
    }

    private EwsError(String code, String message, boolean soapFault) {
        super(message, null, false, false);
        this.code = code;
        this.soapFault = soapFault;
    }

    static EwsError fault(String code, String message) {
        return new EwsError(code, message, true);
    }

    EwsError detail(String name, String value) {
        details.put(name, value);
        return this;
    }

    static EwsError itemNotFound(String id) {
        return new EwsError("ErrorItemNotFound", "The specified object was not found in the store. Id: " + id);
    }

    static EwsError invalidValue(String what, String value) {
        return new EwsError("ErrorInvalidValueForProperty",
                "The value '" + value + "' is not valid for " + what + ".");
    }
}
