package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.testkit.ews.RawEws.MAILBOX;
import static org.tasksync.testkit.ews.RawEws.text;

import java.net.http.HttpResponse;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.service.folder.Folder;
import microsoft.exchange.webservices.data.core.service.schema.FolderSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Smaller rules an integrator relies on: GetFolder of the mailbox's root and message folder root and
 * AdditionalProperties on the Tasks folder; UpdateItem that clears a standard item field a task does
 * not carry, carries one property per change and names a change key the item had; no bodies from
 * FindItem and SyncFolderItems; the shape of a SyncFolderItems error.
 */
class EwsSimulatorDocumentedRulesTest {

    private EwsSimulator ews;
    private RawEws raw;

    @BeforeEach
    void start() {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
        raw = new RawEws(ews);
    }

    @AfterEach
    void stop() {
        ews.close();
        ews.assertNoResponseErrors();
    }

    @Test
    void theRootAndTheMessageFolderRootCanBeBound() throws Exception {
        try (ExchangeService service = EwsClient.impersonating(ews, MAILBOX)) {
            Folder top = Folder.bind(service, WellKnownFolderName.MsgFolderRoot);
            Folder root = Folder.bind(service, WellKnownFolderName.Root);
            Folder tasks = Folder.bind(service, WellKnownFolderName.Tasks);

            assertThat(top.getDisplayName()).isEqualTo("Top of Information Store");
            assertThat(top.getParentFolderId().getUniqueId()).isEqualTo(root.getId().getUniqueId());
            assertThat(tasks.getParentFolderId().getUniqueId()).isEqualTo(top.getId().getUniqueId());
            assertThat(Folder.bind(service, top.getId()).getDisplayName()).isEqualTo("Top of Information Store");
        }
    }

    @Test
    void theTasksFolderAnswersAdditionalProperties() throws Exception {
        ews.outlook(MAILBOX).create(e -> e.subject("One"));
        try (ExchangeService service = EwsClient.impersonating(ews, MAILBOX)) {
            Folder tasks = Folder.bind(service, WellKnownFolderName.Tasks,
                    new PropertySet(BasePropertySet.IdOnly, FolderSchema.DisplayName, FolderSchema.TotalCount,
                            FolderSchema.FolderClass));

            assertThat(tasks.getDisplayName()).isEqualTo("Tasks");
            assertThat(tasks.getTotalCount()).isEqualTo(1);
        }
        HttpResponse<String> r = raw.post("", """
                <m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>
                  <t:FieldURI FieldURI="folder:FolderClass"/><t:FieldURI FieldURI="folder:EffectiveRights"/>
                  <t:FieldURI FieldURI="folder:PermissionSet"/></t:AdditionalProperties></m:FolderShape>
                  <m:FolderIds><t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>""");
        assertThat(text(r.body(), "t:FolderClass")).isEqualTo("IPF.Task");
        assertThat(text(r.body(), "t:CreateContents")).isEqualTo("true");
        assertThat(text(r.body(), "t:DistinguishedUser")).isEqualTo("Default");
    }

    @Test
    void aFolderPropertyTheSimulatorDoesNotServeIsRefusedNotIgnored() throws Exception {
        HttpResponse<String> r = raw.post("", """
                <m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>
                  <t:FieldURI FieldURI="folder:ManagedFolderInformation"/></t:AdditionalProperties></m:FolderShape>
                  <m:FolderIds><t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>""");

        assertThat(r.body()).contains("ErrorInvalidPropertyRequest", "folder:ManagedFolderInformation");
    }

    @Test
    void clearingAStandardItemFieldATaskDoesNotCarryIsAccepted() throws Exception {
        String id = raw.create("", "<t:Subject>Clear me</t:Subject>");

        HttpResponse<String> r = raw.post("", """
                <m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly">
                  <m:ItemChanges><t:ItemChange><t:ItemId Id="%s"/><t:Updates>
                    <t:DeleteItemField><t:FieldURI FieldURI="item:InReplyTo"/></t:DeleteItemField>
                    <t:DeleteItemField><t:FieldURI FieldURI="task:Mileage"/></t:DeleteItemField>
                  </t:Updates></t:ItemChange></m:ItemChanges>
                </m:UpdateItem>""".formatted(id));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<m:ResponseCode>NoError</m:ResponseCode>");
        assertThat(ews.outlook(MAILBOX).task(id).orElseThrow().subject()).isEqualTo("Clear me");
    }

    @Test
    void clearingAPropertyOfAnotherItemTypeIsStillAnError() throws Exception {
        String id = raw.create("", "<t:Subject>A task</t:Subject>");

        HttpResponse<String> r = raw.post("", """
                <m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly">
                  <m:ItemChanges><t:ItemChange><t:ItemId Id="%s"/><t:Updates>
                    <t:DeleteItemField><t:FieldURI FieldURI="message:ToRecipients"/></t:DeleteItemField>
                  </t:Updates></t:ItemChange></m:ItemChanges>
                </m:UpdateItem>""".formatted(id));

        assertThat(r.body()).contains("ErrorInvalidPropertySet");
    }

    @Test
    void aSyncFolderItemsErrorCarriesSyncStateAndIncludesLastItemInRange() throws Exception {
        HttpResponse<String> r = raw.post("", """
                <m:SyncFolderItems>
                  <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>
                  <m:SyncFolderId><t:DistinguishedFolderId Id="tasks"/></m:SyncFolderId>
                  <m:SyncState>H4sIAAAAAAAEAO29B2AcSZnotgAAAAA</m:SyncState>
                  <m:MaxChangesReturned>100</m:MaxChangesReturned>
                </m:SyncFolderItems>""");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(r.body(), "m:ResponseCode")).isEqualTo("ErrorInvalidSyncStateData");
        // as the operation page's "SyncFolderItems Error Response" shows: an empty state, not the one sent
        assertThat(r.body()).as("empty SyncState").containsPattern("<m:SyncState\\s*/>|<m:SyncState></m:SyncState>")
                .doesNotContain("H4sIAAAAAAAEAO29B2AcSZnotgAAAAA");
        assertThat(text(r.body(), "m:IncludesLastItemInRange")).isEqualTo("true");

        HttpResponse<String> noState = raw.post("", """
                <m:SyncFolderItems>
                  <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
                    <t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/></t:AdditionalProperties></m:ItemShape>
                  <m:SyncFolderId><t:DistinguishedFolderId Id="tasks"/></m:SyncFolderId>
                  <m:MaxChangesReturned>10</m:MaxChangesReturned>
                </m:SyncFolderItems>""");
        assertThat(text(noState.body(), "m:ResponseCode")).isEqualTo("ErrorInvalidPropertyRequest");
        assertThat(noState.body()).as("an error without a state sent carries the empty SyncState too")
                .containsPattern("<m:SyncState\\s*/>|<m:SyncState></m:SyncState>");
        assertThat(text(noState.body(), "m:IncludesLastItemInRange")).isEqualTo("true");
    }

    @Test
    void findItemAndSyncFolderItemsRefuseTheBody() throws Exception {
        String shape = """
                <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
                  <t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/></t:AdditionalProperties></m:ItemShape>""";
        HttpResponse<String> find = raw.post("", """
                <m:FindItem Traversal="Shallow">%s
                  <m:ParentFolderIds><t:DistinguishedFolderId Id="tasks"/></m:ParentFolderIds></m:FindItem>"""
                .formatted(shape));
        HttpResponse<String> sync = raw.post("", """
                <m:SyncFolderItems>%s
                  <m:SyncFolderId><t:DistinguishedFolderId Id="tasks"/></m:SyncFolderId>
                  <m:MaxChangesReturned>10</m:MaxChangesReturned></m:SyncFolderItems>""".formatted(shape));

        assertThat(text(find.body(), "m:ResponseCode")).isEqualTo("ErrorInvalidPropertyRequest");
        assertThat(text(sync.body(), "m:ResponseCode")).isEqualTo("ErrorInvalidPropertyRequest");
    }

    @Test
    void anUpdateCarriesOnePropertyAndAChangeKeyTheItemHad() throws Exception {
        String id = raw.create("", "<t:Subject>One</t:Subject>");

        HttpResponse<String> two = raw.post("", """
                <m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly">
                  <m:ItemChanges><t:ItemChange><t:ItemId Id="%s"/><t:Updates>
                    <t:SetItemField><t:FieldURI FieldURI="item:Subject"/>
                      <t:Task><t:Subject>Two</t:Subject><t:Sensitivity>Private</t:Sensitivity></t:Task></t:SetItemField>
                  </t:Updates></t:ItemChange></m:ItemChanges>
                </m:UpdateItem>""".formatted(id));
        HttpResponse<String> foreignKey = raw.post("", """
                <m:UpdateItem ConflictResolution="AutoResolve" MessageDisposition="SaveOnly">
                  <m:ItemChanges><t:ItemChange><t:ItemId Id="%s" ChangeKey="CQAAABYAAAnever"/><t:Updates>
                    <t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Task><t:Subject>Two</t:Subject></t:Task></t:SetItemField>
                  </t:Updates></t:ItemChange></m:ItemChanges>
                </m:UpdateItem>""".formatted(id));

        assertThat(text(two.body(), "m:ResponseCode")).isEqualTo("ErrorIncorrectUpdatePropertyCount");
        assertThat(text(foreignKey.body(), "m:ResponseCode")).isEqualTo("ErrorInvalidChangeKey");
        assertThat(ews.outlook(MAILBOX).task(id).orElseThrow().subject()).isEqualTo("One");
    }

    @Test
    void deletingATaskNeedsAffectedTaskOccurrences() throws Exception {
        String id = raw.create("", "<t:Subject>Delete me</t:Subject>");
        String delete = """
                <m:DeleteItem DeleteType="MoveToDeletedItems"%s>
                  <m:ItemIds><t:ItemId Id="%s"/></m:ItemIds></m:DeleteItem>""";

        HttpResponse<String> without = raw.post("", delete.formatted("", id));
        assertThat(text(without.body(), "m:ResponseCode")).isEqualTo("ErrorAffectedTaskOccurrencesRequired");
        assertThat(ews.outlook(MAILBOX).task(id)).isPresent();

        HttpResponse<String> with = raw.post("", delete.formatted(" AffectedTaskOccurrences=\"AllOccurrences\"", id));
        assertThat(text(with.body(), "m:ResponseCode")).isEqualTo("NoError");
        assertThat(ews.outlook(MAILBOX).task(id)).isEmpty();
    }
}
