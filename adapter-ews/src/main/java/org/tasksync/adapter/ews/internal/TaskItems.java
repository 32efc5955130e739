package org.tasksync.adapter.ews.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.property.BodyType;
import microsoft.exchange.webservices.data.core.enumeration.service.TaskStatus;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.core.service.schema.TaskSchema;
import microsoft.exchange.webservices.data.misc.OutParam;
import microsoft.exchange.webservices.data.property.complex.ExtendedProperty;
import microsoft.exchange.webservices.data.property.complex.ExtendedPropertyCollection;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.property.complex.MessageBody;
import microsoft.exchange.webservices.data.property.definition.ExtendedPropertyDefinition;
import microsoft.exchange.webservices.data.property.definition.PropertyDefinitionBase;
import org.tasksync.core.mapping.ExchangeDates;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * Turns the engine's {@link TaskValues} into ews-java-api {@link Task} items and back (SPEC §2, §4):
 * plain-text body, calendar dates as 00:00 UTC of the date (see {@link #date}), owner and creator as
 * their MAPI properties, extended fields and the CRM id in the library's property set.
 *
 * <p>Stateless; the items it makes belong to the calling thread's service.
 */
final class TaskItems {

    private TaskItems() {
    }

    // ------------------------------------------------------------------ writing

    /**
     * A new task item with every non-null value and the CRM id: what the adapter sent through
     * ews-java-api's {@code createItems} before it wrote CreateItem itself. Kept as the reference the
     * adapter's own text ({@link CreateItemXml#task}) is compared with ({@code CreateItemXmlTest}).
     */
    static Task newTask(ExchangeService service, String crmId, TaskValues v) throws Exception {
        Task t = new Task(service);
        t.setExtendedProperty(TaskProperties.CRM_ID, crmId);
        for (ExchangeField f : ExchangeField.STANDARD) {
            if (f.equals(ExchangeField.REMINDER) || v.get(f) != null) {
                write(t, f, v);
            }
        }
        for (Map.Entry<String, String> e : v.extended().entrySet()) {
            t.setExtendedProperty(TaskProperties.extendedField(e.getKey()), e.getValue());
        }
        return t;
    }

    /**
     * An item that stands for the existing task {@code itemId}, made without asking the server, on
     * which only {@code fields} are set: UpdateItem then carries a SetItemField for each field with a
     * value and a DeleteItemField for each without one, and nothing else. No change key is sent: the
     * CRM is the master, so the engine's update wins over a newer version.
     */
    /** An update that removes the CRM id from an item and changes nothing else (a recurring series released). */
    static Task untagOf(ExchangeService service, String itemId) throws Exception {
        Task t = new Task(service);
        t.getPropertyBag().getProperties().put(ItemSchema.Id, new ItemId(itemId)); // as in updateOf
        ExtendedPropertyCollection props = t.getExtendedProperties();
        props.setExtendedProperty(TaskProperties.CRM_ID, "-"); // as in updateOf: known, never sent, then removed
        props.clearChangeLog();
        props.removeExtendedProperty(TaskProperties.CRM_ID);
        return t;
    }

    static Task updateOf(ExchangeService service, String itemId, TaskValues v, Collection<ExchangeField> fields)
            throws Exception {
        Task t = new Task(service);
        // ews-java-api makes an item "existing" once it has an id; there is no setter for that, and
        // binding first would cost a GetItem per batch. Putting the id in the property bag without
        // marking it changed gives the same item a bind would give, with nothing loaded.
        t.getPropertyBag().getProperties().put(ItemSchema.Id, new ItemId(itemId));
        List<ExtendedPropertyDefinition> removals = new ArrayList<>();
        for (ExchangeField f : fields) {
            ExtendedPropertyDefinition ext = extendedDefinition(f);
            if (ext != null && v.get(f) == null) {
                removals.add(ext);
            }
        }
        if (!removals.isEmpty()) {
            // ews-java-api deletes only extended properties it knows the item to have: let it know
            // them, forget that as a change, then remove them, which it records as deletions.
            ExtendedPropertyCollection props = t.getExtendedProperties();
            for (ExtendedPropertyDefinition d : removals) {
                props.setExtendedProperty(d, "-"); // any value: it is never sent
            }
            props.clearChangeLog();
            for (ExtendedPropertyDefinition d : removals) {
                props.removeExtendedProperty(d);
            }
        }
        for (ExchangeField f : fields) {
            if (extendedDefinition(f) == null || v.get(f) != null) {
                write(t, f, v);
            }
        }
        return t;
    }

    /** The MAPI property behind a field, or null for the fields that are EWS task properties. */
    private static ExtendedPropertyDefinition extendedDefinition(ExchangeField f) {
        if (f.isExtended()) {
            return TaskProperties.extendedField(f.name());
        }
        if (f.equals(ExchangeField.OWNER)) {
            return TaskProperties.TASK_OWNER;
        }
        if (f.equals(ExchangeField.CREATED_BY)) {
            return TaskProperties.CREATOR_NAME;
        }
        return null;
    }

    private static void write(Task t, ExchangeField f, TaskValues v) throws Exception {
        if (f.isExtended()) {
            t.setExtendedProperty(TaskProperties.extendedField(f.name()), v.extended().get(f.name()));
            return;
        }
        switch (f.name()) {
            case "Subject" -> t.setSubject(v.subject());
            // new MessageBody(Text, …): MessageBody.getMessageBodyFromText would make an HTML body
            case "Body" -> t.setBody(v.body() == null ? null : new MessageBody(BodyType.Text, v.body()));
            case "StartDate" -> t.setStartDate(date(v.startDate()));
            case "DueDate" -> t.setDueDate(date(v.dueDate()));
            case "CompleteDate" -> t.setCompleteDate(date(v.completeDate()));
            // Status, importance and percent cannot be deleted in EWS: empty means Exchange's default
            case "Status" -> t.setStatus(v.status() == null ? TaskStatus.NotStarted
                    : TaskStatus.valueOf(v.status().wireName()));
            case "Importance" -> t.setImportance(v.importance() == null
                    ? microsoft.exchange.webservices.data.core.enumeration.property.Importance.Normal
                    : microsoft.exchange.webservices.data.core.enumeration.property.Importance.valueOf(
                            capitalized(v.importance().name())));
            case "PercentComplete" -> t.setPercentComplete(v.percentComplete() == null ? 0.0
                    : v.percentComplete().doubleValue());
            case "Reminder" -> {
                boolean on = v.reminderSet() && v.reminderAt() != null;
                t.setIsReminderSet(on);
                if (on) {
                    t.setReminderDueBy(Date.from(v.reminderAt()));
                }
            }
            case "Owner" -> t.setExtendedProperty(TaskProperties.TASK_OWNER, v.owner());
            case "CreatedBy" -> t.setExtendedProperty(TaskProperties.CREATOR_NAME, v.createdBy());
            default -> throw new IllegalArgumentException("unknown Exchange field " + f);
        }
    }

    /**
     * A calendar date as the date-time that makes Exchange keep exactly that date: Exchange takes
     * date-times in the request's TimeZoneContext zone (TimeZoneContext element page) and, without that
     * header, in UTC (inferred: "Time zones in the EWS Managed API 2.0", EWS stores date/time strings in
     * UTC); ews-java-api 2.0 never sends it, so 00:00 UTC of
     * the date, whatever the rep's zone (docs/ews-adapter.md, "How dates travel and why"). The rep's
     * zone is not involved: 00:00 of the date in Berlin would be the day before in UTC.
     */
    private static Date date(LocalDate d) {
        Instant i = ExchangeDates.toInstant(d, ZoneOffset.UTC);
        return i == null ? null : Date.from(i);
    }

    private static String capitalized(String enumName) {
        return enumName.charAt(0) + enumName.substring(1).toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ reading

    /** The CRM id of an item read with at least {@link TaskProperties#idsWithCrmId()}, or null. */
    static String crmId(Item item) throws Exception {
        Object v = extendedValues(item).get(TaskProperties.CRM_ID);
        return v == null ? null : v.toString();
    }

    /** An item read with {@link TaskProperties#full} as the engine's task; null if it is not a task. */
    static ExchangeTask read(Item item, Collection<String> extendedFields) throws Exception {
        if (!(item instanceof Task)) {
            return null;
        }
        Map<ExtendedPropertyDefinition, Object> ext = extendedValues(item);
        TaskValues.Builder b = TaskValues.builder()
                .subject(get(item, ItemSchema.Subject, String.class))
                .body(bodyText(get(item, ItemSchema.Body, MessageBody.class)))
                .startDate(dateOf(get(item, TaskSchema.StartDate, Date.class)))
                .dueDate(dateOf(get(item, TaskSchema.DueDate, Date.class)))
                .completeDate(dateOf(get(item, TaskSchema.CompleteDate, Date.class)));
        TaskStatus status = get(item, TaskSchema.Status, TaskStatus.class);
        if (status == null) {
            // asked for, and every task has one: ews-java-api reads a value it does not know as nothing.
            // Taken as "no status", it would be overwritten with the CRM's and the rep's change lost.
            throw new UnreadableValue(string(ext.get(TaskProperties.CRM_ID)), "Status",
                    "Exchange sent none of NotStarted, InProgress, Completed, WaitingOnOthers, Deferred");
        }
        b.status(ExchangeStatus.fromWireName(status.name()));
        microsoft.exchange.webservices.data.core.enumeration.property.Importance imp =
                get(item, ItemSchema.Importance, microsoft.exchange.webservices.data.core.enumeration.property.Importance.class);
        b.importance(imp == null ? null : Importance.valueOf(imp.name().toUpperCase(Locale.ROOT)));
        Double percent = get(item, TaskSchema.PercentComplete, Double.class);
        b.percentComplete(percent == null ? null : (int) Math.round(percent));
        Boolean reminder = get(item, ItemSchema.IsReminderSet, Boolean.class);
        Date dueBy = get(item, ItemSchema.ReminderDueBy, Date.class);
        boolean on = Boolean.TRUE.equals(reminder) && dueBy != null;
        b.reminder(on, on ? dueBy.toInstant() : null);
        b.owner(string(ext.get(TaskProperties.TASK_OWNER)));
        b.createdBy(string(ext.get(TaskProperties.CREATOR_NAME)));
        for (String name : extendedFields) {
            b.extended(name, string(ext.get(TaskProperties.extendedField(name))));
        }
        Object ownership = ext.get(TaskProperties.TASK_OWNERSHIP);
        boolean delegated = ownership != null && !"0".equals(ownership.toString().trim());
        Date modified = get(item, ItemSchema.LastModifiedTime, Date.class);
        ItemId id = item.getId();
        if (id == null || id.getUniqueId() == null) {
            throw new UnreadableValue(string(ext.get(TaskProperties.CRM_ID)), "ItemId",
                    "Exchange sent the item without its id");
        }
        // a recurring task regenerates when completed (docs/engine.md, "Recurring tasks")
        boolean recurring = Boolean.TRUE.equals(get(item, TaskSchema.IsRecurring, Boolean.class));
        return new ExchangeTask(id.getUniqueId(), id.getChangeKey(), string(ext.get(TaskProperties.CRM_ID)), b.build(),
                modified == null ? null : modified.toInstant(), delegated, recurring);
    }

    /** A field of an item read back that the client could not read, which the engine must not take as empty. */
    static final class UnreadableValue extends Exception {
        private static final long serialVersionUID = 1L;
        private final String crmId;
        private final String field;

        UnreadableValue(String crmId, String field, String reason) {
            super(reason);
            this.crmId = crmId;
            this.field = field;
        }

        String crmId() {
            return crmId;
        }

        String field() {
            return field;
        }
    }

    private static Map<ExtendedPropertyDefinition, Object> extendedValues(Item item) throws Exception {
        Map<ExtendedPropertyDefinition, Object> out = new HashMap<>();
        // auto-instantiated: an item returned without extended properties gives an empty collection
        for (ExtendedProperty p : item.getExtendedProperties()) {
            out.put(p.getPropertyDefinition(), p.getValue());
        }
        return out;
    }

    /** A property's value, or null when the server did not return it (never an exception). */
    private static <T> T get(Item item, PropertyDefinitionBase def, Class<T> type) throws Exception {
        OutParam<Object> out = new OutParam<>();
        if (!item.tryGetProperty(def, out)) {
            return null;
        }
        Object v = out.getParam();
        return type.isInstance(v) ? type.cast(v) : null;
    }

    private static String bodyText(MessageBody body) throws Exception {
        if (body == null) {
            return null;
        }
        String text = MessageBody.getStringFromMessageBody(body);
        return text == null || text.isEmpty() ? null : text;
    }

    /** The date Exchange keeps, read back by the rule it was written by: in UTC (see {@link #date}). */
    private static LocalDate dateOf(Date d) {
        return d == null ? null : ExchangeDates.toDate(d.toInstant(), ZoneOffset.UTC);
    }

    private static String string(Object v) {
        return v == null ? null : v.toString();
    }
}
