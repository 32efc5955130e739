package org.tasksync.adapter.ews.internal;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.BodyType;
import microsoft.exchange.webservices.data.core.enumeration.property.DefaultExtendedPropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.MapiPropertyType;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.core.service.schema.TaskSchema;
import microsoft.exchange.webservices.data.property.definition.ExtendedPropertyDefinition;

/**
 * The EWS properties the adapter writes and reads, and the property sets it asks for. Every set is
 * explicit (IdOnly plus named properties): reading {@code DelegationState} or {@code Mode} can make
 * ews-java-api throw while it parses, so they are never asked for; delegation is read from
 * PidLidTaskOwnership instead.
 *
 * <p>Thread-safe.
 */
public final class TaskProperties {

    /** The library's own property set: the CRM id and extended fields live here. */
    public static final UUID PROPERTY_SET_ID = UUID.fromString("8f2b6c2e-5d0a-4d7b-9a77-3c1f0e6a9b41");
    /** The name of the CRM id property in {@link #PROPERTY_SET_ID}. */
    public static final String CRM_ID_NAME = "CrmTaskId";
    /** Extended field {@code X} is stored as the string property {@code Field.X} in {@link #PROPERTY_SET_ID}. */
    public static final String EXTENDED_FIELD_PREFIX = "Field.";

    static final ExtendedPropertyDefinition CRM_ID;
    /** PidLidTaskOwner (PSETID_Task 0x811F, string): Outlook's "Owner". */
    static final ExtendedPropertyDefinition TASK_OWNER;
    /** PidLidTaskOwnership (PSETID_Task 0x8129, integer): 0 not assigned, else an assigned task. */
    static final ExtendedPropertyDefinition TASK_OWNERSHIP;
    /** PR_CREATOR_NAME (tag 0x3FF8, string): Outlook's "Requested by". */
    static final ExtendedPropertyDefinition CREATOR_NAME;

    static {
        try {
            CRM_ID = new ExtendedPropertyDefinition(PROPERTY_SET_ID, CRM_ID_NAME, MapiPropertyType.String);
            TASK_OWNER = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.Task, 0x811F, MapiPropertyType.String);
            TASK_OWNERSHIP = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.Task, 0x8129,
                    MapiPropertyType.Integer);
            CREATOR_NAME = new ExtendedPropertyDefinition(0x3FF8, MapiPropertyType.String);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Map<String, ExtendedPropertyDefinition> EXTENDED = new ConcurrentHashMap<>();

    private TaskProperties() {
    }

    /** The definition of a host-defined extended field. */
    static ExtendedPropertyDefinition extendedField(String name) {
        return EXTENDED.computeIfAbsent(name, n -> {
            try {
                return new ExtendedPropertyDefinition(PROPERTY_SET_ID, EXTENDED_FIELD_PREFIX + n,
                        MapiPropertyType.String);
            } catch (Exception e) {
                throw new IllegalArgumentException("cannot define the extended property for field " + n, e);
            }
        });
    }

    /** Everything a task is read with, body as plain text, for GetItem. */
    static PropertySet full(Collection<String> extendedFields) {
        PropertySet set = new PropertySet(BasePropertySet.IdOnly, ItemSchema.Subject, ItemSchema.Body,
                TaskSchema.StartDate, TaskSchema.DueDate, TaskSchema.Status, TaskSchema.PercentComplete,
                TaskSchema.CompleteDate, ItemSchema.Importance, ItemSchema.IsReminderSet, ItemSchema.ReminderDueBy,
                ItemSchema.LastModifiedTime, TaskSchema.IsRecurring, CRM_ID, TASK_OWNER, TASK_OWNERSHIP, CREATOR_NAME);
        try {
            for (String name : extendedFields) {
                set.add(extendedField(name));
            }
            set.setRequestedBodyType(BodyType.Text);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the property set of a task read", e);
        }
        return set;
    }

    /** Ids and change keys only, for SyncFolderItems. */
    static PropertySet idsOnly() {
        return new PropertySet(BasePropertySet.IdOnly);
    }

    /** Ids, change keys and the CRM id, for FindItem. */
    static PropertySet idsWithCrmId() {
        return new PropertySet(BasePropertySet.IdOnly, CRM_ID);
    }
}
