package hooks

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Notice is a notification to one staff member or resident.
type Notice struct {
	Recipient *core.Record // staff or resident auth record
	Kind      string       // e.g. "complaint_escalated"
	Title     string
	Body      string
	Subject   *core.Record // optional: what the notice is about
	Urgent    bool         // goes out in the quiet hours too (an urgent repair's, an incident's are so anyway)
}

// Notify stores n for its recipient; once it commits, the recipient's open
// pages hear of it on their own realtime topic (resident/<id> or
// employee/<id>: hooks/base_realtime.go, publishTopics) and the bell
// reloads. In the same transaction it writes the
// notification's deliveries (hooks/base_outbox.go): the in-app one, sent,
// and one per outbound channel the recipient is reached on, pending.
func Notify(app core.App, n Notice) error {
	col, err := app.FindCachedCollectionByNameOrId("notifications")
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	r := core.NewRecord(col)
	switch {
	case isStaff(n.Recipient):
		r.Set("recipient_staff", n.Recipient.Id)
	case isResident(n.Recipient):
		r.Set("recipient_resident", n.Recipient.Id)
	default:
		return fmt.Errorf("notify %q: recipient is neither staff nor resident", n.Title)
	}
	n.fill(r)
	// One INSERT, not PocketBase's record save (base_side_inserts.go says
	// why): the recipient was read just now, so its relation is not counted
	// again; its message goes out once the change commits.
	if err := insertSideRecord(app, r, []string{n.Recipient.Id}); err != nil {
		return fmt.Errorf("notify %q: %w", n.Title, err)
	}
	publishOnCommit(app, r)
	return enqueueDeliveries(app, r, n, nil)
}

// fill sets n's kind, title, body and subject on its notification r.
func (n Notice) fill(r *core.Record) {
	r.Set("kind", n.Kind)
	r.Set("title", n.Title)
	r.Set("body", n.Body)
	if n.Subject != nil {
		r.Set("subject_collection", n.Subject.Collection().Name)
		r.Set("subject_id", n.Subject.Id)
	}
}

// Bulk is one notice to many residents at once (NotifyMany).
type Bulk struct {
	Notice        // Kind, Title, Body, Subject, Urgent; Recipient is unused
	Fanout string // the fan-out writing it: unique with each recipient (notifications.fanout)
	// SMS is who of the recipients may get a text message (by id); nil
	// means nobody: a message to a whole audience costs the office money.
	SMS map[string]bool
}

// Notified is a notification NotifyMany wrote: its id and its recipient
// (one of the two is set).
type Notified struct{ ID, RecipientStaff, RecipientResident, Created string }

// NotifyMany writes b to each of recipients (residents or staff) in tx with
// multi-row INSERTs (insertRows, hooks/base_insert.go) — the notifications
// and, for each, the deliveries Notify would write (planDeliveries, the
// whole batch's preferences and push subscriptions read with one query
// each) — instead of one Save per row: a large audience (a notice, an
// opened survey, a new activity, a found item: hooks/base_fanout.go) is
// told in batches of a few hundred rows a transaction. It bypasses the
// record hooks, so the caller, after commit, sends the realtime messages
// (publishNotifications) and wakes the outbox. It returns the
// notifications it wrote and how many text messages.
func NotifyMany(tx core.App, recipients []*core.Record, b Bulk) (notes []Notified, texts int, err error) {
	if len(recipients) == 0 {
		return nil, 0, nil
	}
	chans := channels(tx)
	rc, err := reachOf(tx, chans, recipients, b.Kind)
	if err != nil {
		return nil, 0, err
	}
	at := now()
	stamp := dbStamp(at)
	subjectCol, subjectID := "", ""
	if b.Subject != nil {
		subjectCol, subjectID = b.Subject.Collection().Name, b.Subject.Id
	}
	var nrows, drows [][]any
	for _, r := range recipients {
		staff, resident := "", ""
		switch {
		case isStaff(r):
			staff = r.Id
		case isResident(r):
			resident = r.Id
		default:
			return nil, 0, fmt.Errorf("notify %q: recipient is neither staff nor resident", b.Title)
		}
		id := core.GenerateDefaultRandomId()
		notes = append(notes, Notified{ID: id, RecipientStaff: staff, RecipientResident: resident, Created: stamp})
		nrows = append(nrows, []any{id, staff, resident, b.Kind, b.Title, b.Body, subjectCol, subjectID, false, b.Fanout, stamp, stamp})
		n := b.Notice
		n.Recipient = r
		community := communityOf(b.Subject, r)
		for _, p := range planDeliveries(chans, r, rc, n, b.SMS[r.Id], at) {
			attempts, sent, next := 0, "", dbStamp(p.next)
			if p.status == "sent" {
				attempts, sent, next = 1, stamp, ""
			}
			if p.channel == "sms" {
				texts++
			}
			drows = append(drows, []any{core.GenerateDefaultRandomId(), id, staff, resident, community, b.Kind, p.channel, p.to, p.device,
				p.status, attempts, next, sent, p.provider, p.urgent, stamp, stamp})
		}
	}
	if err := insertRows(tx, "notifications", []string{"id", "recipient_staff", "recipient_resident", "kind", "title", "body",
		"subject_collection", "subject_id", "read", "fanout", "created", "updated"}, nrows); err != nil {
		return nil, 0, err
	}
	if err := insertRows(tx, "deliveries", []string{"id", "notification", "recipient_staff", "recipient_resident", "community", "kind",
		"channel", "to", "push_subscription", "status", "attempts", "next_attempt_at", "sent_at", "provider", "urgent", "created", "updated"}, drows); err != nil {
		return nil, 0, err
	}
	return notes, texts, nil
}

// preferencesOfMany is the notification_preferences of each of people, by
// their id, read in one query a kind of recipient.
func preferencesOfMany(app core.App, people []*core.Record) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	for _, f := range []string{"recipient_resident", "recipient_staff"} {
		var ids []any
		for _, p := range people {
			if (f == "recipient_staff") == isStaff(p) {
				ids = append(ids, p.Id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		ps, err := app.FindAllRecords("notification_preferences", dbx.In(f, ids...))
		if err != nil {
			return nil, fmt.Errorf("preferences: %w", err)
		}
		for _, p := range ps {
			out[p.GetString(f)] = p
		}
	}
	return out, nil
}

// householdResidents lists the residents with access to unit: every current,
// confirmed link (a link waiting for the resident's confirmation gives no
// access, migrations/0030_resident_accounts.go). Household-wide news — a
// bill, a parcel, a notice — reaches each of them.
func householdResidents(app core.App, unitID string) ([]*core.Record, error) {
	return app.FindAllRecords("residents", dbx.NewExp(
		"id IN (SELECT resident FROM unit_residents WHERE unit = {:u} AND active = TRUE AND pending IS NOT TRUE)", dbx.Params{"u": unitID}))
}

// notifyHousehold tells every resident with access to unit; n.Recipient is
// set for each.
func notifyHousehold(app core.App, unitID string, n Notice) error {
	rs, err := householdResidents(app, unitID)
	if err != nil {
		return fmt.Errorf("household of %s: %w", unitID, err)
	}
	for _, r := range rs {
		n.Recipient = r
		if err := Notify(app, n); err != nil {
			return err
		}
	}
	return nil
}

// notifyResident tells the resident with id, if there is one (a complaint
// taken by phone from someone without an account has none).
func notifyResident(app core.App, id string, n Notice) error {
	if id == "" {
		return nil
	}
	r, err := app.FindRecordById("residents", id)
	if err != nil {
		return nil
	}
	n.Recipient = r
	return Notify(app, n)
}

// notificationEditable are the only fields a recipient may change.
var notificationEditable = map[string]bool{"read": true, "read_at": true, "updated": true}

func registerNotifications(app core.App) {
	app.OnRecordValidate("notifications").BindFunc(func(e *core.RecordEvent) error {
		staff, resident := e.Record.GetString("recipient_staff"), e.Record.GetString("recipient_resident")
		if (staff == "") == (resident == "") {
			return badRequest(map[string]error{"recipient_staff": codedError("wuye_one_recipient")})
		}
		return e.Next()
	})

	// A recipient marks a notification read or unread; nothing else of it changes.
	app.OnRecordUpdateRequest("notifications").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		for _, f := range e.Record.Collection().Fields {
			name := f.GetName()
			if notificationEditable[name] {
				continue
			}
			if fmt.Sprint(orig.Get(name)) != fmt.Sprint(e.Record.Get(name)) {
				return badRequest(map[string]error{name: codedError("wuye_notification_readonly")})
			}
		}
		if e.Record.GetBool("read") && !orig.GetBool("read") {
			e.Record.Set("read_at", nowDateTime())
		} else if !e.Record.GetBool("read") {
			e.Record.Set("read_at", "")
		}
		return e.Next()
	})
}

// notifyManagers tells the community's supervisors and directors — of a
// complaint about the service center, the administration office and the
// directors, who alone may read it ([003] 2.2.8).
func notifyManagers(app core.App, subject *core.Record, kind, title string) error {
	roles := []string{RoleSupervisor, RoleDirector}
	if subject.Collection().Name == "complaints" && subject.GetBool("about_service_center") {
		roles = []string{RoleAdminOffice, RoleDirector}
	}
	return notifyRoles(app, subject, kind, title, roles...)
}

// notifyRoles tells the active staff of subject's community who hold one of
// roles, never the staff member the subject is about.
func notifyRoles(app core.App, subject *core.Record, kind, title string, roles ...string) error {
	in := make([]any, len(roles))
	for i, r := range roles {
		in[i] = r
	}
	managers, err := app.FindAllRecords("staff", dbx.In("role", in...),
		dbx.NewExp("active = TRUE AND EXISTS (SELECT 1 FROM json_each(communities) WHERE value = {:c})",
			dbx.Params{"c": subject.GetString("community")}))
	if err != nil {
		return fmt.Errorf("find managers: %w", err)
	}
	managers = slices.DeleteFunc(managers, func(m *core.Record) bool {
		return subject.GetString("subject_staff") == m.Id // never about themselves
	})
	if len(managers) == 0 {
		return nil
	}
	// All of them with one INSERT of the notifications and one of their
	// deliveries (NotifyMany: their preferences and devices read with one
	// query each), the deliveries each would get from Notify — a text
	// message too for whoever asked for them. A hot group formed tells every
	// supervisor and director of the community: eight record saves and as
	// many deliveries' were most of a group's forming (issue #23, BENCHMARKS.md
	// § Creates, session 13). Written without a record save, the realtime
	// message to each one's bell and the outbox's wake follow the commit
	// (afterCommit), as a fan-out's do, each message with its note.
	sms := make(map[string]bool, len(managers))
	for _, m := range managers {
		sms[m.Id] = true
	}
	n := Notice{Kind: kind, Title: title, Subject: subject}
	notes, _, err := NotifyMany(app, managers, Bulk{SMS: sms, Notice: n})
	if err != nil {
		return err
	}
	afterCommit(app, func() {
		publishNotes(app, notes, n) // with the note, as Notify's would carry it
		wakeOutbox(app)
	})
	return nil
}

// afterCommit runs fn once app's transaction has committed (not when it
// rolls back); at once when app is not in a transaction.
func afterCommit(app core.App, fn func()) {
	info := app.TxInfo()
	if info == nil {
		fn()
		return
	}
	info.OnComplete(func(txErr error) error {
		if txErr == nil {
			fn()
		}
		return nil
	})
}

// areaManagerOf is the manager of the area the unit's building is in.
func areaManagerOf(app core.App, unitID string) *core.Record {
	unit, err := app.FindRecordById("units", unitID)
	if err != nil {
		return nil
	}
	building, err := app.FindRecordById("buildings", unit.GetString("building"))
	if err != nil {
		return nil
	}
	area, err := app.FindRecordById("areas", building.GetString("area"))
	if err != nil {
		return nil
	}
	m, err := app.FindRecordById("staff", area.GetString("manager"))
	if err != nil {
		return nil
	}
	return m
}

// settleNotifications marks read the resident's to-do notifications of
// kind about subject once the step they asked for is taken (by them or by
// the desk for them): the portal's "待您处理" lists the unread ones.
func settleNotifications(app core.App, subject *core.Record, kind string) error {
	ns, err := app.FindAllRecords("notifications", dbx.HashExp{"subject_id": subject.Id, "kind": kind, "read": false})
	if err != nil {
		return err
	}
	for _, n := range ns {
		n.Set("read", true)
		n.Set("read_at", nowDateTime())
		if err := app.Save(n); err != nil {
			return err
		}
	}
	return nil
}
