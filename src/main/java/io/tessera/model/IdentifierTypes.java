package io.tessera.model;

import java.util.List;

/** The built-in identifier types, in the priority order of identity.md (highest first). */
public final class IdentifierTypes {
    public static final String USER_ID = "user_id";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String PERSONALIZE_UID = "personalize_uid";
    public static final String DEVICE_ID = "device_id";
    public static final String ANONYMOUS_ID = "anonymous_id";

    /** Built-in types by priority; any other type (an external id) ranks after them. */
    public static final List<String> BY_PRIORITY =
            List.of(USER_ID, EMAIL, PHONE, PERSONALIZE_UID, DEVICE_ID, ANONYMOUS_ID);

    private IdentifierTypes() {}

    /** Priority of a type: 1 for {@code user_id} up to 7 for external ids. */
    public static int priority(String type) {
        int index = BY_PRIORITY.indexOf(type);
        return index < 0 ? BY_PRIORITY.size() + 1 : index + 1;
    }
}
