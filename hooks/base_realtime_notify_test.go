package hooks_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestNotifyInsertsAndTellsOnCommit: a notification is written with one
// INSERT, not PocketBase's record save (hooks/base_side_inserts.go, session
// 15): no model hook runs, so PocketBase's broadcast does not ask every
// connected client about it. Its recipient's own topic still hears of it,
// with its note, once the change commits and not before; a rolled-back
// change leaves neither the row nor a message; nobody else hears of it; a
// subscription to the collection's topics is refused; the row has what the
// bell reads; marking it read still goes through the save.
func TestNotifyInsertsAndTellsOnCommit(t *testing.T) {
	app := testapp.New(t)
	owner, err := app.FindAuthRecordByEmail("residents", "owner1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	desk, err := app.FindAuthRecordByEmail("staff", "frontdesk@example.com")
	if err != nil {
		t.Fatal(err)
	}
	su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "root@example.com")
	if err != nil {
		t.Fatal(err)
	}
	saves := 0
	app.OnModelAfterCreateSuccess("notifications").BindFunc(func(e *core.ModelEvent) error {
		saves++
		return e.Next()
	})
	mine := &inbox{c: listenDirect(app, owner, "resident/"+owner.Id)}
	defer app.SubscriptionsBroker().Unregister(mine.c.Id())
	other := &inbox{c: listenDirect(app, desk, "employee/"+desk.Id)}
	defer app.SubscriptionsBroker().Unregister(other.c.Id())
	spy := &inbox{c: listenDirect(app, su, "notifications/*")}
	defer app.SubscriptionsBroker().Unregister(spy.c.Id())

	var id string
	err = app.RunInTransaction(func(tx core.App) error {
		if err := hooks.Notify(tx, hooks.Notice{Recipient: owner, Kind: "probe", Title: "提交了"}); err != nil {
			return err
		}
		n, err := tx.FindFirstRecordByFilter("notifications", "title = '提交了'")
		if err != nil {
			return err
		}
		id = n.Id
		if mine.read(100 * time.Millisecond) {
			t.Errorf("told before the commit: %v", mine.got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !mine.wait("notifications", id, "create") {
		t.Fatalf("the recipient was not told of %s: %v", id, mine.got)
	}
	if saves != 0 {
		t.Errorf("%d model hooks ran for the notification", saves)
	}
	if msgs := other.all(); len(msgs) != 0 {
		t.Errorf("another member of staff was sent %v", msgs)
	}
	if msgs := spy.all(); len(msgs) != 0 {
		t.Errorf("a client on notifications/* was sent %v", msgs)
	}
	n, err := app.FindRecordById("notifications", id)
	if err != nil {
		t.Fatal(err)
	}
	if n.GetString("recipient_resident") != owner.Id || n.GetString("recipient_staff") != "" || n.GetString("kind") != "probe" ||
		n.GetBool("read") || n.GetDateTime("created").IsZero() || n.GetDateTime("updated").IsZero() {
		t.Errorf("row %v", n.FieldsData())
	}

	// Rolled back: no row, no message.
	rollback := errors.New("rolled back")
	err = app.RunInTransaction(func(tx core.App) error {
		if err := hooks.Notify(tx, hooks.Notice{Recipient: owner, Kind: "probe", Title: "撤回了"}); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("transaction: %v", err)
	}
	if _, err := app.FindFirstRecordByFilter("notifications", "title = '撤回了'"); err == nil {
		t.Error("the rolled-back notification was written")
	}
	if mine.read(200 * time.Millisecond) {
		t.Errorf("told of a rolled-back notification: %v", mine.got[len(mine.got)-1])
	}

	// Marked read by its recipient: through the API and the save's hooks.
	h := testapp.Handler(t, app)
	if code, resp := testapp.Do(t, h, http.MethodPatch, "/api/collections/notifications/records/"+id, `{"read":true}`, "owner1@example.com"); code != http.StatusOK {
		t.Fatalf("marking read: %d %s", code, resp)
	}
	if !mine.wait("notifications", id, "update") {
		t.Errorf("the recipient was not told it was read: %v", mine.got)
	}
	if n, err := app.FindRecordById("notifications", id); err != nil || !n.GetBool("read") || n.GetDateTime("read_at").IsZero() {
		t.Errorf("after marking read: %v %v", n, err)
	}

	// Nobody may follow the collection: a new one would never be heard of.
	col, err := app.FindCollectionByNameOrId("notifications")
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"notifications/*", "notifications/" + id, "notifications", col.Id + "/*"} {
		for _, who := range []string{"owner1@example.com", "supervisor@example.com", "root@example.com"} {
			refusesSubscription(t, app, h, who, topic)
		}
	}
}

// A record written without PocketBase's save is told of after its commit to
// whoever it concerns, even when that is read from the database: the
// household of a parcel's unit. The transaction's clone of the app can no
// longer read once it committed.
func TestPublishOnCommitReadsWhoItConcernsAfterTheCommit(t *testing.T) {
	app := testapp.New(t)
	owner, err := app.FindAuthRecordByEmail("residents", "owner1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var unit string
	if err := app.DB().NewQuery("SELECT unit FROM unit_residents WHERE resident = {:r} AND active = TRUE LIMIT 1").
		Bind(dbx.Params{"r": owner.Id}).Row(&unit); err != nil {
		t.Fatal(err)
	}
	parcels, err := app.FindCollectionByNameOrId("parcels")
	if err != nil {
		t.Fatal(err)
	}
	mine := &inbox{c: listenDirect(app, owner, "resident/"+owner.Id)}
	defer app.SubscriptionsBroker().Unregister(mine.c.Id())

	p := core.NewRecord(parcels)
	p.Id = "probeparcel0001"
	p.Set("unit", unit)
	if err := app.RunInTransaction(func(tx core.App) error {
		hooks.PublishOnCommit(tx, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !mine.wait("parcels", p.Id, "create") {
		t.Fatalf("the household of unit %s was not told of the parcel: %v", unit, mine.got)
	}
}
