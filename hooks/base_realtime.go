package hooks

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/migrations"
)

// The pages follow changes on narrow topics instead of collection-wide "*"
// subscriptions. For a "*" subscriber PocketBase checks the collection's
// list rule and marshals the record once per subscriber per change, inside
// the request that made the change: a thousand residents on complaints/*
// make every complaint cost a thousand rule queries (measured: each subscriber's
// rule is one SQL query per change). Here
// the hook works out the few people a change concerns and sends to them
// alone, as dispatch_realtime.go does for the technicians' queues:
//
//	resident/<resident id>             every change to a record the resident reads
//	                                   (their household's complaints and work orders,
//	                                   their renovations and
//	                                   what hangs off them, the bills and payments of
//	                                   the units they live in, their notifications)
//	employee/<staff id>                the staff member's notifications
//	community/<community id>/<coll.>   complaints, work_orders, the front desk's
//	                                   registers, shift_handovers, incidents, visits or
//	                                   move_ins of a community, to its staff who may read the record
//
// A message is {"collection", "id", "action": "create"|"update"} and nothing
// of the record (but a new notification, to its recipient, and a resident's
// new request or its step, to the residents who read it — each held by a
// test to what they read through the API: see base_realtime_notes.go): the
// page re-fetches it with its own token. A record as a
// reader sees it passes through the API's rules and enrich hooks (a
// complaint's anonymity, the phone numbers a technician may not see …);
// rebuilding that view here would be a second copy of those rules that could
// drift and leak, whereas a re-fetch goes through the very same code as any
// read. The pages reloaded their lists on every event already; detail pages
// keep their record-id subscriptions (checked only for that record's
// subscribers), which carry the record itself.
//
// Only the account a topic names may subscribe to it (a subscription
// request naming anyone else's topic is refused whole with 403), and each
// message is checked again against the client's current account as it is
// sent.
//
// Narrow topics alone are not enough. PocketBase looks through every
// connected client for collection-topic subscriptions on every record save
// (six prefix scans per client, each copying the matches into a new map),
// and a look through every client for the few on a topic costs as much
// again: with 1,100 pages open the two cost milliseconds per change (see
// BENCHMARKS.md). Each connection therefore gets a leanClient, which answers
// "none" at once when it holds no topic of the saved record's collection,
// and keeps its own topics in an index from topic to clients, through which
// a change finds its recipients without visiting the other connections.

const (
	residentTopicPrefix  = "resident/"
	staffTopicPrefix     = "employee/" // not "staff/": that is the staff collection's record topic
	communityTopicPrefix = "community/"
)

// communityTopicCollections have a community/<id>/<collection> topic.
var communityTopicCollections = []string{"complaints", "work_orders", "parcels", "lost_items", "goods_passes", "enquiries", "shift_handovers", "incidents", "visits", "move_ins"}

// unitHouseholdCollections are read by the current residents of their unit
// (the front desk's parcels and goods passes).
var unitHouseholdCollections = []string{"parcels", "goods_passes"}

// renovationChildren are readable by the renovation's applicant.
var renovationChildren = []string{"renovation_passes", "renovation_violations", "renovation_inspections", "hot_work_permits"}

// topicIndexKey is the app store's key of its topicIndex.
const topicIndexKey = "wuye_topic_index"

func registerRealtimeTopics(app core.App) {
	index := &topicIndex{app: app, byTopic: map[string]map[*leanClient]struct{}{}}
	app.Store().Set(topicIndexKey, index)
	app.OnRealtimeConnectRequest().BindFunc(func(e *core.RealtimeConnectRequestEvent) error {
		if c, ok := e.Client.(*subscriptions.DefaultClient); ok {
			e.Client = &leanClient{DefaultClient: c, index: index}
			index.live.Add(1)
		}
		return e.Next()
	})
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		for _, sub := range e.Subscriptions {
			if !mayListen(e.Auth, sub) || followsSideRecords(e.App, sub) {
				// Coded like a field error, so that the refusal reaches a
				// clerk in the page's language (base_localize.go).
				return e.ForbiddenError("", validation.Errors{"subscriptions": codedError("wuye_may_not_subscribe", topicName(sub))})
			}
		}
		return e.Next()
	})
	cols := append([]string{"complaints", "work_orders", "renovations", "bills", "payments", "notifications",
		"parcels", "lost_items", "goods_passes", "enquiries", "move_ins"}, renovationChildren...)
	app.OnRecordAfterCreateSuccess(cols...).BindFunc(func(e *core.RecordEvent) error {
		publishTopics(e.App, index, "create", nil, e.Record)
		return e.Next()
	})
	app.OnRecordAfterUpdateSuccess(cols...).BindFunc(func(e *core.RecordEvent) error {
		publishTopics(e.App, index, "update", e.Record.Original(), e.Record)
		return e.Next()
	})
}

// topicName is a subscription without the SDK's "?options=…".
func topicName(sub string) string {
	name, _, _ := strings.Cut(sub, "?")
	return name
}

// mayListen reports whether auth may subscribe to sub. Topics other than
// Wuye's per-recipient ones are left to PocketBase (collection topics are
// guarded by the collection rules) and to dispatch_realtime.go.
func mayListen(auth *core.Record, sub string) bool {
	name := topicName(sub)
	switch {
	case strings.HasPrefix(name, residentTopicPrefix):
		return isResident(auth) && name == residentTopicPrefix+auth.Id
	case strings.HasPrefix(name, staffTopicPrefix):
		return isStaff(auth) && name == staffTopicPrefix+auth.Id
	case strings.HasPrefix(name, communityTopicPrefix):
		community, col, ok := strings.Cut(strings.TrimPrefix(name, communityTopicPrefix), "/")
		return ok && slices.Contains(communityTopicCollections, col) && servesCommunity(auth, community)
	}
	return true
}

// topicDelivery is one topic a change goes to and whom it may reach there.
type topicDelivery struct {
	topic    string
	allowed  func(auth *core.Record) bool
	resident bool // a resident's own topic (a step goes there only)
}

// publishTopics sends the change of cur (prev is its state before, nil for
// a new record) to the topics of the people it concerns.
func publishTopics(app core.App, index *topicIndex, action string, prev, cur *core.Record) {
	broker := app.SubscriptionsBroker()
	if broker.TotalClients() == 0 {
		return // nobody to tell: skip even the look-ups (a billing run saves 100k bills)
	}
	col := cur.Collection().Name
	var out []topicDelivery
	for _, id := range residentsConcerned(app, cur) {
		resident := id
		out = append(out, topicDelivery{residentTopicPrefix + resident, func(auth *core.Record) bool {
			return isResident(auth) && auth.Id == resident
		}, true})
	}
	if col == "notifications" {
		if s := cur.GetString("recipient_staff"); s != "" {
			out = append(out, topicDelivery{staffTopicPrefix + s, func(auth *core.Record) bool {
				return isStaff(auth) && auth.Id == s
			}, false})
		}
	}
	if slices.Contains(communityTopicCollections, col) {
		communities := []string{cur.GetString("community")}
		if prev != nil {
			communities = append(communities, prev.GetString("community"))
		}
		for _, c := range uniqueNonEmpty(communities...) {
			community := c
			out = append(out, topicDelivery{communityTopicPrefix + community + "/" + col, func(auth *core.Record) bool {
				// Told when the record is, or was until now, theirs to see:
				// a page drops a record it can no longer fetch.
				return servesCommunity(auth, community) && (staffSees(auth, cur) || (prev != nil && staffSees(auth, prev)))
			}, false})
		}
	}
	if len(out) == 0 {
		return
	}
	msg := map[string]any{"collection": col, "id": cur.Id, "action": action}
	if action == "create" {
		// Every delivery of a notification is to its recipient's own
		// topic (base_realtime_notes.go).
		if note := noteOf(cur); note != nil {
			msg["note"] = note
		}
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return
	}
	// The residents concerned read the whole record: their message may say
	// more of a new request or of a step (base_realtime_notes.go).
	residentData := data
	if more := residentsMore(action, prev, cur); more != nil {
		maps.Copy(msg, more)
		if residentData, err = json.Marshal(msg); err != nil {
			return
		}
	}
	send := func(client subscriptions.Client, d topicDelivery) {
		data := data
		if d.resident {
			data = residentData
		}
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth != nil && client.HasSubscription(d.topic) && d.allowed(auth) {
			// Without waiting, as PocketBase does: a slow phone never holds
			// up the change that triggered the message.
			msg := subscriptions.Message{Name: d.topic, Data: data}
			routine.FireAndForget(func() { client.Send(msg) })
		}
	}
	for _, d := range out {
		for _, client := range index.clients(d.topic) {
			send(client, d)
		}
	}
	// Clients that did not come through the connect hook (none do in
	// `serve`; tests register their own) are looked for the slow way.
	if broker.TotalClients() > int(index.live.Load()) {
		for _, client := range broker.Clients() {
			if _, lean := client.(*leanClient); lean {
				continue
			}
			for _, d := range out {
				send(client, d)
			}
		}
	}
}

// publishNotifications sends, for notifications written without a record
// save (NotifyMany's multi-row INSERTs, a fan-out batch) and committed,
// the message a notification saved by Notify sends: {"collection":
// "notifications", "id", "action": "create"} on its recipient's own topic
// (resident/<id> or employee/<id>), to the clients subscribed there. It
// costs nothing when nobody is connected, and otherwise a look in the
// topic index per recipient.
func publishNotifications(app core.App, notes []Notified) { publishBulk(app, notes, nil) }

// publishNotes is publishNotifications for the notifications of one notice
// n that the caller wrote in bulk (notifyRoles): each message carries its
// note, as a notification saved by Notify does (base_realtime_notes.go), so
// that the recipient's bell puts it in place instead of reading again.
func publishNotes(app core.App, notes []Notified, n Notice) { publishBulk(app, notes, &n) }

// publishBulk sends the messages of notes, with their notes when whole
// holds the notice they were written from.
func publishBulk(app core.App, notes []Notified, whole *Notice) {
	index, ok := app.Store().Get(topicIndexKey).(*topicIndex)
	if !ok || len(notes) == 0 || app.SubscriptionsBroker().TotalClients() == 0 {
		return
	}
	col, err := app.FindCachedCollectionByNameOrId("notifications")
	if err != nil {
		return
	}
	for _, n := range notes {
		r := core.NewRecord(col)
		r.Id = n.ID
		r.Set("recipient_staff", n.RecipientStaff)
		r.Set("recipient_resident", n.RecipientResident)
		if whole != nil {
			whole.fill(r)
			at, _ := types.ParseDateTime(n.Created) // SetRaw: an autodate field ignores Set
			r.SetRaw("created", at)
			r.SetRaw("updated", at)
		}
		publishTopics(app, index, "create", nil, r)
	}
}

// residentsConcerned are the residents who may read r: its complainant,
// requester or applicant, the current residents of a bill's or payment's
// unit (one indexed query), a notification's resident recipient.
func residentsConcerned(app core.App, r *core.Record) []string {
	switch col := r.Collection().Name; {
	case col == "complaints":
		if r.GetBool("anonymous") {
			return uniqueNonEmpty(r.GetString("resident"))
		}
		return householdOf(app, r, "resident")
	case col == "work_orders":
		return householdOf(app, r, "requester")
	case col == "renovations":
		return uniqueNonEmpty(r.GetString("applicant"))
	case col == "move_ins":
		return uniqueNonEmpty(r.GetString("resident"))
	case col == "notifications":
		return uniqueNonEmpty(r.GetString("recipient_resident"))
	case slices.Contains(renovationChildren, col):
		var applicant string
		_ = app.DB().Select("applicant").From("renovations").
			Where(dbx.HashExp{"id": r.GetString("renovation")}).Row(&applicant)
		return uniqueNonEmpty(applicant)
	case col == "bills" || col == "payments" || slices.Contains(unitHouseholdCollections, col):
		unit := r.GetString("unit")
		if unit == "" {
			return nil
		}
		return uniqueNonEmpty(livesThere(app, unit)...)
	}
	return nil
}

// livesThere lists who lives in unit now (its active links). The unit is
// written +{:unit}: with the plain placeholder the kept statement was
// compiled again for each unit (the index's STAT4 samples; lib/stmtcache),
// on every change that tells a household.
func livesThere(app core.App, unit string) []string {
	var ids []string
	_ = app.DB().Select("resident").From("unit_residents").
		Where(dbx.NewExp("unit = +{:unit} AND active = TRUE", dbx.Params{"unit": unit})).Column(&ids)
	return ids
}

// householdOf is who reads record r of a household (migration 0052): the
// resident in field filer, and while they live in the record's unit, all
// who live there now.
func householdOf(app core.App, r *core.Record, filer string) []string {
	who, unit := r.GetString(filer), r.GetString("unit")
	if who == "" || unit == "" {
		return uniqueNonEmpty(who)
	}
	ids := livesThere(app, unit)
	if !slices.Contains(ids, who) {
		return uniqueNonEmpty(who)
	}
	return uniqueNonEmpty(append([]string{who}, ids...)...)
}

// staffSees mirrors the staff part of the complaints', work orders' and the
// front-desk registers' read rules (migrations/0006_complaints.go,
// migrations/0007_dispatch.go, migrations/0058–0061) for a staff member of
// the record's community; TestStaffSeesMatchesTheRules holds the
// two together.
func staffSees(auth, r *core.Record) bool {
	if !isStaff(auth) || !servesCommunity(auth, r.GetString("community")) {
		return false
	}
	switch r.Collection().Name {
	case "complaints":
		seesAll := hasRole(auth, RoleFrontDesk, RoleAreaManager, RoleSupervisor, RoleDirector, RoleAdminOffice)
		return (seesAll || r.GetString("handler") == auth.Id) &&
			complaintRoleFor(staffRole(auth), r) &&
			r.GetString("subject_staff") != auth.Id
	case "work_orders":
		return hasRole(auth, RoleFrontDesk, RoleAreaManager, RoleCashier, RoleSupervisor, RoleDirector) ||
			r.GetString("technician") == auth.Id ||
			(inPool(r) && canClaim(auth, r))
	case "shift_handovers": // migrations/0062_shift_handovers.go
		return hasRole(auth, RoleFrontDesk, RoleCashier, RoleSupervisor, RoleDirector)
	case "incidents": // migrations/0063_incidents.go: every member of staff of the community
		return true
	case "visits": // migrations/0064_visits.go
		return hasRole(auth, RoleFrontDesk, RoleAreaManager, RoleSupervisor, RoleDirector)
	case "parcels", "lost_items", "goods_passes":
		return hasRole(auth, deskReaders...)
	case "enquiries":
		return hasRole(auth, enquiryKeepers...)
	case "move_ins": // migrations/0069_move_ins.go
		return hasRole(auth, migrations.MoveInReaders...)
	}
	return false
}

func uniqueNonEmpty(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// ownTopicPrefixes are the topics that are Wuye's own, never a collection's
// (no collection is named resident, employee, community, queue or pool),
// and PB_CONNECT, which the JS SDK subscribes to as well.
var ownTopicPrefixes = []string{residentTopicPrefix, staffTopicPrefix, communityTopicPrefix, "queue/", "pool/", "PB_CONNECT"}

func isOwnTopic(sub string) bool {
	for _, p := range ownTopicPrefixes {
		if strings.HasPrefix(sub, p) {
			return true
		}
	}
	return false
}

// leanClient is PocketBase's realtime client with two additions for the
// many-clients case.
//
// It knows the heads of its subscriptions (a topic's text up to its first
// "/" or "?": "resident", "renovations", "PB_CONNECT"). PocketBase asks
// every client for its subscriptions under six prefixes of the saved
// record's collection ("complaints/<id>?", "complaints/*?", "complaints?"
// and the same with the collection's id) on every save; a subscription
// under such a prefix has the prefix's head, so a client holding no
// subscription of that head says "none" without scanning its
// subscriptions (which copies the matches into a new map, per prefix, per
// client, per save). That holds for a page with collection topics too: the
// renovation desk's renovations/* is not asked about on a complaint's save.
//
// And it keeps its own topics in the app's topicIndex, so that a change is
// sent to the few clients of its topics without visiting every connection.
type leanClient struct {
	*subscriptions.DefaultClient
	index *topicIndex
	mu    sync.Mutex               // serialises changes of the subscriptions, heads, own and gone
	heads atomic.Pointer[[]string] // heads of the subscriptions held, each once (never fewer than held)
	own   map[string]bool          // own topics, as indexed
	gone  bool                     // discarded
}

// topicHead is sub up to its first "/" or "?", and whether it has either.
func topicHead(sub string) (string, bool) {
	for i := 0; i < len(sub); i++ {
		if sub[i] == '/' || sub[i] == '?' {
			return sub[:i], true
		}
	}
	return sub, false
}

// setHeads publishes the heads of subs, with those of the subscriptions
// held now (c.mu held).
//
// A slice, not a map: a page's subscriptions have one to three heads, and
// the heads are looked up for every client on every save (six times), where
// comparing a few strings — most differ in length — costs less than hashing
// one (the map's lookups were 8–13 % of the server's CPU with 1,100 pages
// re-reading, BENCHMARKS.md § Realtime, session 14).
//
// The app's index counts the heads of all its clients (holdHeads): a head
// is counted there before the client holds it, and let go after.
func (c *leanClient) setHeads(subs ...string) {
	var heads []string
	add := func(s string) {
		if h, _ := topicHead(s); !slices.Contains(heads, h) {
			heads = append(heads, h)
		}
	}
	for s := range c.DefaultClient.Subscriptions() {
		add(s)
	}
	for _, s := range subs {
		add(s)
	}
	var old []string
	if p := c.heads.Load(); p != nil {
		old = *p
	}
	c.index.holdHeads(heads, nil)
	c.heads.Store(&heads)
	c.index.holdHeads(nil, old)
}

func (c *leanClient) Subscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setHeads(subs...) // before the subscriptions exist, never after
	c.DefaultClient.Subscribe(subs...)
	if c.gone {
		return
	}
	for _, s := range subs {
		// Indexed as sent: a message's name is the subscription's key.
		if isOwnTopic(s) && !strings.Contains(s, "?") && !c.own[s] {
			if c.own == nil {
				c.own = map[string]bool{}
			}
			c.own[s] = true
			c.index.add(s, c)
		}
	}
}

func (c *leanClient) Unsubscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.DefaultClient.Unsubscribe(subs...)
	for s := range c.own {
		if len(subs) == 0 || slices.Contains(subs, s) {
			delete(c.own, s)
			c.index.remove(s, c)
		}
	}
	c.setHeads()
}

// Subscriptions answers "none" at once when every prefix has a head that no
// subscription held has (see leanClient); otherwise it scans, as
// PocketBase's client does.
func (c *leanClient) Subscriptions(prefixes ...string) map[string]subscriptions.SubscriptionOptions {
	if len(prefixes) > 0 {
		// First the heads any client holds (one small slice for all the
		// clients of a save, in the processor's cache), then the client's
		// own (one memory read per client).
		if all := c.index.heldHeads(); all != nil && !anyHeaded(prefixes, all) {
			return nil
		}
		if heads := c.heads.Load(); heads != nil && !anyHeaded(prefixes, *heads) {
			return nil
		}
	}
	return c.DefaultClient.Subscriptions(prefixes...)
}

// anyHeaded reports whether a subscription with one of heads could lie
// under one of prefixes: a prefix whose head is among them, or one without
// a head ("/" or "?"), which any subscription could lie under.
func anyHeaded(prefixes, heads []string) bool {
	for _, p := range prefixes {
		if h, cut := topicHead(p); !cut || slices.Contains(heads, h) {
			return true
		}
	}
	return false
}

// Discard is called once the connection has ended (Broker.Unregister).
func (c *leanClient) Discard() {
	c.mu.Lock()
	if !c.gone {
		c.gone = true
		for s := range c.own {
			c.index.remove(s, c)
		}
		c.own = nil
		c.index.live.Add(-1)
	}
	c.mu.Unlock()
	c.DefaultClient.Discard()
	// A discarded client is sent nothing: its heads are let go.
	if p := c.heads.Swap(&[]string{}); p != nil {
		c.index.holdHeads(nil, *p)
	}
}

// topicIndex holds which connected clients subscribe to each own topic,
// and the heads their subscriptions have.
type topicIndex struct {
	// app is the app the topics were registered on, never a transaction's:
	// a message sent once a transaction ended looks up who it concerns
	// through it (publishOnCommit).
	app     core.App
	mu      sync.RWMutex
	byTopic map[string]map[*leanClient]struct{}
	live    atomic.Int64 // lean clients made and not yet discarded

	headsMu sync.Mutex
	heads   map[string]int           // head → clients holding it
	held    atomic.Pointer[[]string] // the keys of heads, for the lock-free check
}

// holdHeads counts one client more for each head of hold and one fewer for
// each of release.
func (x *topicIndex) holdHeads(hold, release []string) {
	if x == nil || len(hold)+len(release) == 0 {
		return
	}
	x.headsMu.Lock()
	defer x.headsMu.Unlock()
	if x.heads == nil {
		x.heads = map[string]int{}
	}
	for _, h := range hold {
		x.heads[h]++
	}
	for _, h := range release {
		if x.heads[h]--; x.heads[h] <= 0 {
			delete(x.heads, h)
		}
	}
	held := slices.Collect(maps.Keys(x.heads))
	x.held.Store(&held)
}

// heldHeads are the heads some client holds, nil if not known.
func (x *topicIndex) heldHeads() []string {
	if x == nil {
		return nil
	}
	if p := x.held.Load(); p != nil {
		return *p
	}
	return nil
}

func (x *topicIndex) add(topic string, c *leanClient) {
	x.mu.Lock()
	defer x.mu.Unlock()
	set := x.byTopic[topic]
	if set == nil {
		set = map[*leanClient]struct{}{}
		x.byTopic[topic] = set
	}
	set[c] = struct{}{}
}

func (x *topicIndex) remove(topic string, c *leanClient) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.byTopic[topic], c)
	if len(x.byTopic[topic]) == 0 {
		delete(x.byTopic, topic)
	}
}

// clients are the clients subscribed to topic now.
func (x *topicIndex) clients(topic string) []*leanClient {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]*leanClient, 0, len(x.byTopic[topic]))
	for c := range x.byTopic[topic] {
		out = append(out, c)
	}
	return out
}
