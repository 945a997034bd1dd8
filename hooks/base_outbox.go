package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/outbox"
	"wuye/lib/sms"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// The notification outbox (docs/DESIGN.md § Notifications and deliveries):
// Notify writes, in the notification's own transaction, one `deliveries`
// row per channel the recipient is reached on — the app itself (sent at
// once) and each outbound channel that is set up, wanted by the recipient
// for the kind, and has an address for them. A worker sends the pending
// rows after commit (woken when one is written, and a sweep every minute
// for what is left), claiming each row with one conditional UPDATE so two
// workers never send it twice, retrying with back-off (lib/outbox) and
// marking it failed after outbox.MaxAttempts (or at once when the channel
// says it can never succeed: a push subscription gone). Outside the app, nothing
// goes out in the quiet hours (22:00–08:00) but an urgent repair's or an
// incident's.

func init() {
	for code, t := range map[string]text{
		"wuye_delivery_not_failed":  {"只有发送失败的记录可以重发", "Only a failed delivery can be sent again."},
		"wuye_preferences_kinds":    {"按类别设置的渠道格式不正确（类别 → 渠道列表）", "Per-kind channels must map a kind to a list of channels."},
		"wuye_preferences_channel":  {"没有这个发送渠道：%[1]v", "There is no channel %[1]v."},
		"wuye_preferences_one_user": {"偏好设置必须且只能属于一个人", "Preferences belong to exactly one person."},
	} {
		messages[code] = t
	}
}

// claimLease is how long a claimed delivery is kept from other workers
// while it is being sent; a worker that dies mid-send leaves it to be
// tried again after this.
const claimLease = 5 * time.Minute

// defaultChannels are the outbound channels of a person without
// preferences: residents get text messages, staff the app alone; and
// either gets Web Push in the browsers they turned it on in (turning it on
// is the wish).
func defaultChannels(recipient *core.Record) []string {
	if isResident(recipient) {
		return []string{"sms", "webpush"}
	}
	return []string{"webpush"}
}

// preferencesOf is the recipient's notification_preferences row, or nil.
func preferencesOf(app core.App, recipient *core.Record) *core.Record {
	field := "recipient_staff"
	if isResident(recipient) {
		field = "recipient_resident"
	}
	p, err := app.FindFirstRecordByData("notification_preferences", field, recipient.Id)
	if err != nil {
		return nil
	}
	return p
}

// wantedChannels are the outbound channels the recipient wants for kind:
// the kind's own choice, else their general one, else the default.
func wantedChannels(recipient, prefs *core.Record, kind string) []string {
	if prefs == nil {
		return defaultChannels(recipient)
	}
	var perKind map[string][]string
	if raw := prefs.GetString("kind_channels"); raw != "" && raw != "null" {
		_ = json.Unmarshal([]byte(raw), &perKind)
	}
	if chs, ok := perKind[kind]; ok {
		return chs
	}
	return prefs.GetStringSlice("channels")
}

// isUrgentSubject: an urgent repair (急修) or an incident goes out even in
// the quiet hours ([004] 三 7.6: an urgent repair is attended at once).
func isUrgentSubject(s *core.Record) bool {
	if s == nil {
		return false
	}
	switch s.Collection().Name {
	case "incidents":
		return true
	case "work_orders":
		return s.GetString("urgency") == "urgent"
	}
	return false
}

// portalPaths are the portal's routes of the records a resident is told of
// (pb_public/js/portal/main.js, portalLink).
var portalPaths = map[string]string{
	"work_orders": "#/repairs/", "complaints": "#/complaints/", "renovations": "#/renovation/", "notices": "#/notices/",
}

// linkOf is the page path the notification leads to.
func linkOf(recipient *core.Record, collection, id string) string {
	if collection == "" {
		return ""
	}
	if !isResident(recipient) {
		return "staff/"
	}
	if p, ok := portalPaths[collection]; ok {
		return p + id
	}
	switch collection {
	case "bills", "reminders", "payments":
		return "#/bills"
	case "parcels", "goods_passes":
		return "#/desk"
	}
	return ""
}

// communityOf is the community a delivery is logged under: its subject's,
// else the recipient's first.
func communityOf(subject, recipient *core.Record) string {
	if subject != nil {
		if subject.Collection().Name == "communities" {
			return subject.Id
		}
		if subject.Collection().Fields.GetByName("community") != nil && subject.GetString("community") != "" {
			return subject.GetString("community")
		}
	}
	if cs := recipient.GetStringSlice("communities"); len(cs) > 0 {
		return cs[0]
	}
	return ""
}

// maskAddress shows an address in the log without giving it away.
func maskAddress(channel, a string) string {
	switch channel {
	case "sms":
		return sms.Mask(a)
	case "email":
		if at := strings.IndexByte(a, '@'); at > 0 {
			return a[:1] + "***" + a[at:]
		}
		return "***"
	case "inapp":
		return ""
	case "webpush":
		return a // the push service's host: no one's address
	}
	if len(a) > 4 {
		return a[:4] + "****"
	}
	return "****"
}

// plannedDelivery is one delivery a notification gets: its channel, the
// masked address and how it starts (the in-app one sent, the others
// pending until next).
type plannedDelivery struct {
	channel, to, status, provider string
	device                        string // a device channel's row (webpush: push_subscriptions)
	next                          time.Time
	urgent                        bool
}

// reach is what the channels need to know of a batch of recipients of a
// notice, read for the whole batch with one query each: their
// preferences and, for each device channel (Web Push) that any of them
// wants for the kind, their devices.
type reach struct {
	prefs   map[string]*core.Record        // notification_preferences, by person id
	devices map[string]map[string][]device // by channel, then by person id
}

// reachOf reads the reach of people for notices of kind among chans.
func reachOf(tx core.App, chans []Channel, people []*core.Record, kind string) (reach, error) {
	prefs, err := preferencesOfMany(tx, people)
	if err != nil {
		return reach{}, err
	}
	rc := reach{prefs: prefs, devices: map[string]map[string][]device{}}
	for _, ch := range chans {
		dc, ok := ch.(deviceChannel)
		if !ok || !ch.Enabled() {
			continue
		}
		var wanting []*core.Record
		for _, p := range people {
			if slices.Contains(wantedChannels(p, prefs[p.Id], kind), ch.Name()) {
				wanting = append(wanting, p)
			}
		}
		if len(wanting) == 0 {
			continue
		}
		if rc.devices[ch.Name()], err = dc.DevicesOf(wanting); err != nil {
			return reach{}, err
		}
	}
	return rc, nil
}

// planDeliveries lists the deliveries of notice to its recipient, whose
// preferences and devices are in rc, among chans: the in-app one, and each
// outbound channel that is set up, wanted for the kind and has an address
// for them — a text message only when sms allows it (a notice to a whole
// community sends one only when it is urgent, to one person a household:
// hooks/base_fanout.go).
func planDeliveries(chans []Channel, recipient *core.Record, rc reach, notice Notice, sms bool, at time.Time) []plannedDelivery {
	prefs := rc.prefs[recipient.Id]
	wanted := wantedChannels(recipient, prefs, notice.Kind)
	urgent := notice.Urgent || isUrgentSubject(notice.Subject)
	var out []plannedDelivery
	for _, ch := range chans {
		name := ch.Name()
		if name != "inapp" && (!ch.Enabled() || !slices.Contains(wanted, name)) {
			continue
		}
		if name == "sms" && !sms {
			continue
		}
		// A device channel (Web Push) has one delivery per device.
		var targets []device
		if _, ok := ch.(deviceChannel); ok {
			targets = rc.devices[name][recipient.Id]
		} else if addr := ch.Address(recipient, prefs); addr != "" {
			targets = []device{{To: addr}}
		}
		for _, dev := range targets {
			d := plannedDelivery{channel: name, to: maskAddress(name, dev.To), device: dev.ID, urgent: urgent}
			if name == "inapp" {
				// The notification is the in-app message: sent as it is written.
				d.status, d.next = "sent", at
			} else {
				d.status, d.next, d.provider = "pending", outbox.NextSend(at, urgent, workcal.Shanghai), providerName(ch)
			}
			out = append(out, d)
		}
	}
	return out
}

// enqueueDeliveries writes notification n's deliveries in transaction tx.
// rc is the recipient's reach if the caller read it (notifyRoles, for all
// its recipients at once); nil: it is read here.
func enqueueDeliveries(tx core.App, n *core.Record, notice Notice, rc *reach) error {
	col, err := tx.FindCachedCollectionByNameOrId("deliveries")
	if err != nil {
		return err
	}
	recipient := notice.Recipient
	at := now()
	chans := channels(tx)
	if rc == nil {
		one, err := reachOf(tx, chans, []*core.Record{recipient}, notice.Kind)
		if err != nil {
			return err
		}
		rc = &one
	}
	for _, p := range planDeliveries(chans, recipient, *rc, notice, true, at) {
		d := core.NewRecord(col)
		d.Set("notification", n.Id)
		d.Set("recipient_staff", n.GetString("recipient_staff"))
		d.Set("recipient_resident", n.GetString("recipient_resident"))
		d.Set("community", communityOf(notice.Subject, recipient))
		d.Set("kind", notice.Kind)
		d.Set("channel", p.channel)
		d.Set("to", p.to)
		d.Set("push_subscription", p.device)
		d.Set("urgent", p.urgent)
		d.Set("status", p.status)
		d.Set("provider", p.provider)
		if p.status == "sent" {
			d.Set("attempts", 1)
			d.Set("sent_at", at)
		} else {
			d.Set("next_attempt_at", p.next)
		}
		// An in-app delivery is sent as it is written: nothing to wake the
		// worker for, so no save hooks (base_side_inserts.go). A pending
		// one is saved, so that its commit wakes the worker (registerOutbox).
		var err error
		if p.status == "sent" {
			err = insertSideRecord(tx, d, []string{n.Id, recipient.Id})
		} else {
			err = tx.Save(d)
		}
		if err != nil {
			return fmt.Errorf("delivery %s: %w", p.channel, err)
		}
	}
	return nil
}

func dbStamp(t time.Time) string {
	d, _ := types.ParseDateTime(t)
	return d.String()
}

// SendDueDeliveries sends every pending delivery due at at, each claimed
// first, and returns how many were sent.
//
// Only the channels set up now are swept: a delivery of a channel the
// office turned off (its provider removed) waits, its attempts untouched,
// until the channel is back.
func SendDueDeliveries(app core.App, at time.Time) (int, error) {
	var on []any
	for _, c := range channels(app) {
		if c.Name() != "inapp" && c.Enabled() {
			on = append(on, c.Name())
		}
	}
	if len(on) == 0 {
		return 0, nil
	}
	var ids []string
	if err := app.DB().Select("id").From("deliveries").
		Where(dbx.NewExp("status = 'pending' AND next_attempt_at <= {:at}", dbx.Params{"at": dbStamp(at)})).
		AndWhere(dbx.In("channel", on...)).OrderBy("next_attempt_at").Limit(500).Column(&ids); err != nil {
		return 0, fmt.Errorf("due deliveries: %w", err)
	}
	sent := 0
	for _, id := range ids {
		ok, err := SendDelivery(app, id, at)
		if err != nil {
			app.Logger().Error("delivery not sent", "delivery", id, "error", err)
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// claimDelivery takes delivery id for this worker: one UPDATE that only a
// pending, due row passes, moving its next attempt past the lease, so a
// second worker's claim of the same row changes nothing.
func claimDelivery(app core.App, id string, at time.Time) (bool, error) {
	res, err := app.DB().NewQuery(`UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = {:lease}, updated = {:now}
		WHERE id = {:id} AND status = 'pending' AND next_attempt_at <= {:now}`).
		Bind(dbx.Params{"id": id, "now": dbStamp(at), "lease": dbStamp(at.Add(claimLease))}).Execute()
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SendDelivery sends delivery id if this call claims it, and records the
// outcome: sent, or the error and the next attempt after the back-off, or
// failed after the last attempt. It reports whether it sent.
func SendDelivery(app core.App, id string, at time.Time) (bool, error) {
	claimed, err := claimDelivery(app, id, at)
	if err != nil || !claimed {
		return false, err
	}
	d, err := app.FindRecordById("deliveries", id)
	if err != nil {
		return false, err
	}
	sendErr := sendClaimed(app, d)
	if sendErr == nil {
		_, err = app.DB().NewQuery(`UPDATE deliveries SET status = 'sent', sent_at = {:now}, last_error = '', updated = {:now} WHERE id = {:id}`).
			Bind(dbx.Params{"id": id, "now": dbStamp(at)}).Execute()
		return err == nil, err
	}
	attempts := d.GetInt("attempts")
	status, next := "pending", dbStamp(at.Add(outbox.Backoff(attempts)))
	var never permanentError
	if outbox.GiveUp(attempts) || errors.As(sendErr, &never) {
		status, next = "failed", ""
	}
	_, err = app.DB().NewQuery(`UPDATE deliveries SET status = {:status}, next_attempt_at = {:next}, last_error = {:err}, updated = {:now} WHERE id = {:id}`).
		Bind(dbx.Params{"id": id, "status": status, "next": next, "err": shorten(sendErr.Error(), 480), "now": dbStamp(at)}).Execute()
	if err != nil {
		return false, err
	}
	return false, sendErr
}

func sendClaimed(app core.App, d *core.Record) error {
	ch := channelByName(app, d.GetString("channel"))
	if ch == nil || !ch.Enabled() {
		return fmt.Errorf("channel %s is not set up", d.GetString("channel"))
	}
	n, err := app.FindRecordById("notifications", d.GetString("notification"))
	if err != nil {
		return fmt.Errorf("notification: %w", err)
	}
	var recipient *core.Record
	if s := n.GetString("recipient_staff"); s != "" {
		recipient, err = app.FindRecordById("staff", s)
	} else {
		recipient, err = app.FindRecordById("residents", n.GetString("recipient_resident"))
	}
	if err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return ch.Send(ctx, Delivery{ID: d.Id, Kind: n.GetString("kind"), Title: n.GetString("title"), Body: n.GetString("body"),
		Link: linkOf(recipient, n.GetString("subject_collection"), n.GetString("subject_id")), Recipient: recipient, Prefs: preferencesOf(app, recipient),
		Urgent: d.GetBool("urgent"), NotificationID: n.Id, SubjectCollection: n.GetString("subject_collection"), SubjectID: n.GetString("subject_id"),
		Device: d.GetString("push_subscription")})
}

// outboxWorkerKey is the app store's key of the outbox's worker
// (base_worker.go).
const outboxWorkerKey = "wuye_outbox_worker"

// wakeOutbox nudges the app's worker, if it runs (it does once the app
// serves; tests send with SendDueDeliveries).
func wakeOutbox(app core.App) { wakeWorker(app, outboxWorkerKey) }

func registerOutbox(app core.App) {
	// After commit (PocketBase runs AfterCreateSuccess of a transaction's
	// records once it commits): a pending delivery due now wakes the worker.
	app.OnRecordAfterCreateSuccess("deliveries").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("status") == "pending" && !e.Record.GetDateTime("next_attempt_at").Time().After(now()) {
			wakeOutbox(e.App)
		}
		return e.Next()
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/deliveries/{id}/retry", retryDelivery).Bind(apis.RequireAuth("staff"))
		// The worker sends right after a commit; a test's router
		// (testapp.Handler) has none: the tests send themselves.
		startWorker(se, outboxWorkerKey, "outbox", SendDueDeliveries)
		return se.Next()
	})
	// The sweep: what was due in the quiet hours, waits for its back-off,
	// or was written while the worker was busy.
	addJob(app, "wuye_outbox", "* * * * *", jobStep{name: "deliveries", run: SendDueDeliveries})

	// A person's preferences stay theirs: whose they are never changes.
	app.OnRecordUpdateRequest("notification_preferences").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		for _, f := range []string{"recipient_staff", "recipient_resident"} {
			if e.Record.GetString(f) != orig.GetString(f) {
				return badRequest(validation.Errors{f: codedError("wuye_preferences_one_user")})
			}
		}
		return e.Next()
	})
	app.OnRecordValidate("notification_preferences").BindFunc(func(e *core.RecordEvent) error {
		if (e.Record.GetString("recipient_staff") == "") == (e.Record.GetString("recipient_resident") == "") {
			return badRequest(validation.Errors{"recipient_staff": codedError("wuye_preferences_one_user")})
		}
		raw := e.Record.GetString("kind_channels")
		if raw == "" || raw == "null" {
			return e.Next()
		}
		var perKind map[string][]string
		if err := json.Unmarshal([]byte(raw), &perKind); err != nil {
			return badRequest(validation.Errors{"kind_channels": codedError("wuye_preferences_kinds")})
		}
		for kind, chs := range perKind {
			if kind == "" || len(kind) > 50 {
				return badRequest(validation.Errors{"kind_channels": codedError("wuye_preferences_kinds")})
			}
			for _, c := range chs {
				if !slices.Contains(migrations.OutboundChannels, c) {
					return badRequest(validation.Errors{"kind_channels": codedError("wuye_preferences_channel", c)})
				}
			}
		}
		return e.Next()
	})
}

// retryDelivery puts a failed delivery back in the queue (the supervisor's
// or director's delivery log): its attempts start again, the quiet hours
// still hold.
func retryDelivery(e *core.RequestEvent) error {
	d, err := readableRecord(e, "deliveries")
	if err != nil {
		return err
	}
	if d.GetString("status") != "failed" {
		return badRequest(validation.Errors{"status": codedError("wuye_delivery_not_failed")})
	}
	at := now()
	next := outbox.NextSend(at, d.GetBool("urgent"), workcal.Shanghai)
	res, err := e.App.DB().NewQuery(`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = {:next}, updated = {:now}
		WHERE id = {:id} AND status = 'failed'`).Bind(dbx.Params{"id": d.Id, "next": dbStamp(next), "now": dbStamp(at)}).Execute()
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return badRequest(validation.Errors{"status": codedError("wuye_delivery_not_failed")})
	}
	e.App.Logger().Info("delivery retried", "delivery", d.Id, "by", e.Auth.Id)
	if !next.After(at) {
		wakeOutbox(e.App)
	}
	return e.JSON(http.StatusOK, map[string]any{"id": d.Id, "status": "pending", "next_attempt_at": dbStamp(next)})
}
