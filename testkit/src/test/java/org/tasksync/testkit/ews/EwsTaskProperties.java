package org.tasksync.testkit.ews;

import java.util.UUID;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.DefaultExtendedPropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.MapiPropertyType;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.core.service.schema.TaskSchema;
import microsoft.exchange.webservices.data.property.complex.ExtendedProperty;
import microsoft.exchange.webservices.data.property.definition.ExtendedPropertyDefinition;
import microsoft.exchange.webservices.data.property.definition.PropertyDefinitionBase;

/** The ews-java-api property definitions the tests use, as the EWS adapter will. */
final class EwsTaskProperties {

    /** A property set of our own, as the library tags the tasks it creates. */
    static final UUID TASKSYNC_SET = UUID.fromString("8f2b6c2e-5d0a-4d7b-9a77-3c1f0e6a9b41");

    static final ExtendedPropertyDefinition CRM_ID;
    static final ExtendedPropertyDefinition TASK_OWNER;
    static final ExtendedPropertyDefinition TASK_OWNERSHIP;
    static final ExtendedPropertyDefinition CREATOR_NAME;

    static {
        try {
            CRM_ID = new ExtendedPropertyDefinition(TASKSYNC_SET, "CrmTaskId", MapiPropertyType.String);
            TASK_OWNER = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.Task, 0x811F,
                    MapiPropertyType.String);
            TASK_OWNERSHIP = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.Task, 0x8129,
                    MapiPropertyType.Integer);
            CREATOR_NAME = new ExtendedPropertyDefinition(0x3FF8, MapiPropertyType.String);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private EwsTaskProperties() {
    }

    /** Everything a sync reads of a task, without the properties ews-java-api cannot always parse. */
    static PropertySet full() {
        return new PropertySet(BasePropertySet.IdOnly, ItemSchema.Subject, ItemSchema.Body, TaskSchema.StartDate,
                TaskSchema.DueDate, TaskSchema.Status, TaskSchema.PercentComplete, TaskSchema.CompleteDate,
                ItemSchema.Importance, ItemSchema.ReminderDueBy, ItemSchema.IsReminderSet,
                ItemSchema.LastModifiedTime, ItemSchema.DateTimeCreated, TaskSchema.IsComplete, TaskSchema.Owner,
                CRM_ID, TASK_OWNER, TASK_OWNERSHIP, CREATOR_NAME);
    }

    /** {@link #full()} without the body, for FindItem and SyncFolderItems. */
    static PropertySet withoutBody() {
        PropertySet p = full();
        p.remove(ItemSchema.Body);
        return p;
    }

    static PropertySet of(PropertyDefinitionBase... props) {
        return new PropertySet(BasePropertySet.IdOnly, props);
    }

    /** The value of an extended property on a loaded item, or null. */
    static Object extended(Item item, ExtendedPropertyDefinition def) throws Exception {
        for (ExtendedProperty p : item.getExtendedProperties()) {
            if (p.getPropertyDefinition().equals(def)) {
                return p.getValue();
            }
        }
        return null;
    }
}
