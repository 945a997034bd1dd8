package hooks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/topic"
)

// Complaint deadlines (docs/DESIGN.md, "Complaints") come from the
// community's service levels (hooks/base_sla.go): by default a first response
// within 24 clock hours and a complex matter's solution within 48 [002] 三 3.2,
// the result to the complainant within 2 working days [004] 三 3.6.
const (
	defaultHotThreshold = 3
	hotWindow           = 24 * time.Hour
)

// Who takes part in a complaint step besides staff roles.
const (
	actorHandler  = "handler"  // the staff member the complaint is assigned to
	actorResident = "resident" // the complainant, through the portal
)

var (
	deskActors    = []string{RoleFrontDesk, RoleSupervisor, RoleDirector}
	managerActors = []string{RoleSupervisor, RoleDirector}
	// A complaint's desk steps are the desk's — and, for a complaint about
	// the service center, the administration office's, which takes it
	// instead of the service center ([003] 2.2.8; complaintActors gives each
	// role its complaints).
	complaintDesk     = append(slices.Clone(deskActors), RoleAdminOffice)
	complaintManagers = append(slices.Clone(managerActors), RoleAdminOffice)
)

// ComplaintFlow is the complaint state machine (docs/DESIGN.md, "Flows"). The update
// hook, the demo loader, the tests and the docs read this one table.
// Leaving "received" by any step is the first response. A revisit with the
// satisfaction "unsatisfied" reopens the complaint: it goes back to
// "processing" and its reopen_count grows.
var ComplaintFlow = []Step{
	{From: "received", To: "assigned", Verb: text{"派单", "Assign"}, Actors: complaintDesk, Requires: []string{"handler"}, Extras: []string{"department"}},
	{From: "assigned", To: "processing", Verb: text{"开始处理", "Start work"}, Actors: withHandler},
	{From: "processing", To: "replied", Verb: text{"答复住户", "Reply"}, Actors: withHandler, Requires: []string{"result"}, Stamp: "replied_at"},
	{From: "replied", To: "revisited", Verb: text{"登记回访", "Record the revisit"}, Actors: append(slices.Clone(complaintDesk), actorResident), Requires: []string{"satisfaction"}, Extras: []string{"revisit_note"}, Stamp: "revisited_at"},
	{From: "revisited", To: "closed", Verb: text{"结案", "Close"}, Actors: complaintDesk, Stamp: "closed_at"},
	{From: "received", To: "invalid", Verb: text{"判为无效投诉", "Mark invalid"}, Actors: complaintDesk, Requires: []string{"invalid_reason"}, Stamp: "closed_at"},
	{From: "assigned", To: "invalid", Verb: text{"判为无效投诉", "Mark invalid"}, Actors: complaintManagers, Requires: []string{"invalid_reason"}, Stamp: "closed_at"},
	{From: "processing", To: "invalid", Verb: text{"判为无效投诉", "Mark invalid"}, Actors: complaintManagers, Requires: []string{"invalid_reason"}, Stamp: "closed_at"},
}

var withHandler = append(slices.Clone(complaintDesk), actorHandler)

// complaintFlow is ComplaintFlow with the rules around it.
var complaintFlow = &Flow{
	Noun:     text{"投诉", "complaint"},
	Steps:    ComplaintFlow,
	Terminal: []string{"closed", "invalid"},
	Labels: map[string]text{
		"received": {"已受理", "received"}, "assigned": {"已派单", "assigned"}, "processing": {"处理中", "processing"},
		"replied": {"已答复", "replied"}, "revisited": {"已回访", "revisited"}, "closed": {"已关闭", "closed"},
		"invalid": {"无效投诉", "invalid"},
	},
	Actors: complaintActors,
	// The desk keeps a complaint's classification and contact up to date
	// while it is open; its handler drafts the result while working on it.
	Editable: func(actors []string, from string) []string {
		if hasAny(actors, complaintDesk) {
			return []string{"category", "level", "department", "handler", "contact_name", "contact_phone",
				"location", "building", "about_service_center", "subject_staff"}
		}
		if slices.Contains(actors, actorHandler) && from == "processing" {
			return []string{"result"}
		}
		return nil
	},
}

// complaintActors lists the flow actors auth is for complaint c. A staff
// member acts in their role on the complaints their role is for: one about
// the service center is the administration office's and the director's, any
// other the service center's (complaintRoleFor).
func complaintActors(auth, c *core.Record) []string {
	var out []string
	switch {
	case isStaff(auth):
		if complaintRoleFor(auth.GetString("role"), c) {
			out = append(out, auth.GetString("role"))
		}
		if c.GetString("handler") == auth.Id {
			out = append(out, actorHandler)
		}
	case isResident(auth):
		if c.GetString("resident") == auth.Id {
			out = append(out, actorResident)
		}
	}
	return out
}

// complaintRoleFor reports whether staff of role may see complaint c by
// their role (as the read rule, migrations/rules.go complaintSeenByOffice):
// a complaint about the service center goes to the administration office
// and the director ([003] 2.2.8), any other one is not the office's.
func complaintRoleFor(role string, c *core.Record) bool {
	if c.GetBool("about_service_center") {
		return role == RoleAdminOffice || role == RoleDirector
	}
	return role != RoleAdminOffice
}

// checkComplaintHandler refuses a handler who could not see complaint r:
// one of another community, the staff member it is about, or one whose role
// the complaint is not for (a complaint about the service center is handled
// by the administration office or the director, [003] 2.2.8).
func checkComplaintHandler(app core.App, r *core.Record) error {
	h := r.GetString("handler")
	if h == "" {
		return nil
	}
	handler, err := app.FindRecordById("staff", h)
	if err != nil || !servesCommunity(handler, r.GetString("community")) {
		return badRequest(validation.Errors{"handler": codedError("wuye_handler_elsewhere")})
	}
	if h == r.GetString("subject_staff") {
		return badRequest(validation.Errors{"handler": codedError("wuye_handler_is_subject")})
	}
	if !complaintRoleFor(handler.GetString("role"), r) {
		if r.GetBool("about_service_center") {
			return badRequest(validation.Errors{"handler": codedError("wuye_handler_not_office")})
		}
		return badRequest(validation.Errors{"handler": codedError("wuye_handler_office_only")})
	}
	return nil
}

func registerComplaints(app core.App) {
	app.OnRecordCreateRequest("complaints").BindFunc(func(e *core.RecordRequestEvent) error {
		defer forgetVouched(e.Record)
		vouchAuth(e.Record, e.Auth) // the resident who files it, the staff who receives it
		if err := prepareIntake(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		graded := isGraded(e.Record.GetString("level")) // as taken in, before a hot cluster may make it hot
		prefetchIntake(e.App, e.Record)                 // before the write transaction: complaints_prefetch.go
		var hot hotIntake
		return inTxAround(e,
			func(tx core.App) (err error) { hot, err = markHot(tx, e.Record); return err },
			func(tx core.App) error { return afterIntake(tx, e.Record, e.Auth, graded, hot) })
	})
	bindFlowUpdates(app, "complaints", planComplaintUpdate, afterComplaintUpdate, "status", "handler")
	registerComplaintAnonymity(app)
	registerHotSplit(app)
	app.OnRecordValidate("complaints").BindFunc(validatePlace)
	// Complaints and their notes are records of the office's dealings with
	// residents: never deleted, by anyone (an unfounded one is closed as
	// invalid, with its reason).
	app.OnRecordDelete("complaints", "complaint_notes").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_never_deleted")})
	})

	addJob(app, "wuye_complaint_deadlines", "*/5 * * * *", jobStep{"flag overdue complaints", FlagOverdueComplaints})
}

// serverOwned are the complaint fields only Wuye itself sets.
var serverOwned = []string{
	"serial", "status", "receiver", "received_at", "handler", "first_response_due", "reply_due",
	"first_responded_at", "replied_at", "revisited_at", "closed_at", "result", "invalid_reason",
	"satisfaction", "revisit_note", "reopen_count", "first_response_overdue", "reply_overdue", "hot_group", "hot_reason", "hot_split",
	"solution_due", "solution_overdue",
}

// officeOwned are the complaint fields the office sets on a complaint a
// resident files in the portal: which department deals with it is the
// office's call, like its grading.
var officeOwned = []string{"department"}

// prepareIntake fills in what the office decides about a new complaint:
// who received it, its channel and status, and its deadlines. Whatever a
// client sent for those fields is replaced.
func prepareIntake(app core.App, r *core.Record, auth *core.Record) error {
	for _, f := range serverOwned {
		r.Set(f, nil)
	}
	r.Set("status", "received")
	at := now()
	r.Set("received_at", at)
	switch {
	case isResident(auth):
		// Residents file for themselves, through the portal, about a unit
		// they live in (the create rule has checked the link).
		if r.GetString("unit") == "" {
			return badRequest(validation.Errors{"unit": codedError("validation_required")})
		}
		for _, f := range officeOwned {
			r.Set(f, nil)
		}
		r.Set("resident", auth.Id)
		r.Set("channel", "portal")
		r.Set("level", "general") // grading is the office's call
		if r.GetString("contact_name") == "" {
			r.Set("contact_name", auth.GetString("name"))
		}
		if r.GetString("contact_phone") == "" {
			r.Set("contact_phone", auth.GetString("phone"))
		}
	case isStaff(auth):
		if r.GetString("channel") == "portal" {
			return badRequest(validation.Errors{"channel": codedError("wuye_portal_is_residents")})
		}
		r.Set("receiver", auth.Id)
		if err := checkNamedResident(app, r, "resident"); err != nil {
			return err
		}
	}
	if r.GetString("level") == "" {
		r.Set("level", "general")
	}
	// The deadlines follow as the complaint is saved, from the policies in
	// force now and its level then (complaintDeadlines, hooks/base_sla.go).
	return nil
}

// afterIntake records the new complaint, alerts the managers to one graded
// at intake and completes its joining a hot cluster, in the intake's
// transaction. hot is what markHot found (joinHot).
func afterIntake(tx core.App, r *core.Record, auth *core.Record, graded bool, hot hotIntake) error {
	if err := RecordEvent(tx, Event{Subject: r, Action: "create", To: "received", Actor: auth, Public: true}); err != nil {
		return err
	}
	if graded {
		if err := notifyManagers(tx, r, "complaint_graded", gradedTitle(r)); err != nil {
			return err
		}
	} else if r.GetBool("about_service_center") {
		if err := notifyAboutCenter(tx, r); err != nil {
			return err
		}
	}
	return joinHot(tx, r, hot)
}

// notifyAboutCenter tells the administration office and the director of a
// complaint about the service center, which is theirs to take ([003] 2.2.8).
func notifyAboutCenter(tx core.App, r *core.Record) error {
	return notifyManagers(tx, r, "complaint_about_center",
		fmt.Sprintf("对客服中心的投诉 %s：%s", r.GetString("serial"), shorten(r.GetString("content"), 40)))
}

func isGraded(level string) bool { return level == "major" || level == "hot" || level == "collective" }

func gradedTitle(r *core.Record) string {
	return fmt.Sprintf("%s投诉 %s：%s", levelLabels[r.GetString("level")], r.GetString("serial"), shorten(r.GetString("content"), 40))
}

var levelLabels = map[string]string{"general": "一般", "major": "重要", "hot": "热点", "collective": "集体"}

// planComplaintUpdate judges the change from orig to r by auth against the
// flow and completes it: the first response, a reopen.
func planComplaintUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	step, err := complaintFlow.Plan(auth, superuser, orig, r, at)
	if err != nil {
		return step, err
	}
	if changed := changedFields(orig, r); slices.Contains(changed, "handler") || slices.Contains(changed, "about_service_center") ||
		slices.Contains(changed, "subject_staff") {
		// The handler must be able to see the complaint.
		if err := checkComplaintHandler(app, r); err != nil {
			return step, err
		}
	}
	if step.To == "" {
		return step, nil
	}
	if step.From == "received" && orig.GetDateTime("first_responded_at").IsZero() {
		r.Set("first_responded_at", at)
	}
	if step.To == "revisited" && r.GetString("satisfaction") == "unsatisfied" {
		// Unsatisfied: back to work, and counted.
		r.Set("status", "processing")
		r.Set("reopen_count", orig.GetInt("reopen_count")+1)
	}
	return step, nil
}

// afterComplaintUpdate records the change and tells whom it concerns.
func afterComplaintUpdate(tx core.App, orig, r *core.Record, auth *core.Record, step Step) error {
	if step.To == "" {
		changed := changedFields(orig, r)
		if len(changed) == 0 {
			return nil
		}
		if err := RecordEvent(tx, Event{Subject: r, Action: "update", Actor: auth, Note: fmt.Sprint(changed)}); err != nil {
			return err
		}
		if slices.Contains(changed, "handler") && r.GetString("handler") != "" {
			// Reassigned: the new handler hears of it as the first one did.
			if err := notifyHandler(tx, r, "complaint_reassigned", "投诉 %s 改由您处理：%s"); err != nil {
				return err
			}
		}
		if !isGraded(orig.GetString("level")) && isGraded(r.GetString("level")) {
			return notifyManagers(tx, r, "complaint_graded", gradedTitle(r))
		}
		if !orig.GetBool("about_service_center") && r.GetBool("about_service_center") {
			return notifyAboutCenter(tx, r)
		}
		return nil
	}
	ev := Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth, Public: true}
	switch step.To {
	case "replied":
		ev.Note = r.GetString("result")
	case "invalid":
		ev.Note = r.GetString("invalid_reason")
	case "revisited":
		ev.Note = r.GetString("satisfaction")
	}
	if err := RecordEvent(tx, ev); err != nil {
		return err
	}
	if err := tellComplainant(tx, r, auth, step); err != nil {
		return err
	}
	if r.GetString("status") == "processing" && step.To == "revisited" {
		if err := RecordEvent(tx, Event{Subject: r, Action: "reopen", From: "revisited", To: "processing", Actor: auth, Public: true,
			Note: fmt.Sprintf("第 %d 次重新处理", r.GetInt("reopen_count"))}); err != nil {
			return err
		}
		return notifyManagers(tx, r, "complaint_reopened", fmt.Sprintf("投诉 %s 回访不满意，已重新处理", r.GetString("serial")))
	}
	if step.To == "assigned" {
		return notifyHandler(tx, r, "complaint_assigned", "新投诉 %s 交您处理：%s")
	}
	return nil
}

// satisfactionNames are the satisfaction grades in the notifications' Chinese.
var satisfactionNames = map[string]string{"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}

// tellComplainant tells the resident who filed complaint r — only them,
// never the rest of the household, anonymous or not (the result is told to
// the complainant, [004] 三 3.6; the revisit is theirs, [000] 前台 4.1.2.2) —
// that it was assigned, answered,
// or revisited (what the office wrote down of their satisfaction), unless
// they took the step themselves.
func tellComplainant(tx core.App, r, auth *core.Record, step Step) error {
	if step.From == "replied" {
		if err := settleNotifications(tx, r, "complaint_replied"); err != nil {
			return err
		}
	}
	filer := r.GetString("resident")
	if filer == "" || (auth != nil && auth.Id == filer) {
		return nil
	}
	serial := r.GetString("serial")
	var kind, title string
	switch step.To {
	case "assigned":
		kind, title = "complaint_assigned", fmt.Sprintf("您的投诉 %s 已派专人处理", serial)
	case "replied":
		kind, title = "complaint_replied", fmt.Sprintf("您的投诉 %s 已答复，请查看处理结果并评价", serial)
	case "revisited":
		kind, title = "revisit", fmt.Sprintf("您的投诉 %s 已回访，登记为“%s”", serial, satisfactionNames[r.GetString("satisfaction")])
		if r.GetString("status") == "processing" {
			title = fmt.Sprintf("您的投诉 %s 回访不满意，已重新处理", serial)
		}
	default:
		return nil
	}
	return notifyResident(tx, filer, Notice{Kind: kind, Title: title, Body: shorten(r.GetString("result"), 200), Subject: r})
}

// notifyHandler tells complaint r's handler it is theirs (format: serial, content).
func notifyHandler(tx core.App, r *core.Record, kind, format string) error {
	h, err := tx.FindRecordById("staff", r.GetString("handler"))
	if err != nil {
		return nil
	}
	return Notify(tx, Notice{Recipient: h, Kind: kind, Subject: r,
		Title: fmt.Sprintf(format, r.GetString("serial"), shorten(r.GetString("content"), 40))})
}

// AdvanceComplaint moves the complaint with id to status to as actor would
// through the API, with fields set alongside, and returns it as stored. The
// demo loader and the tests use it; a nil actor acts as a superuser.
func AdvanceComplaint(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "complaints", id, actor, to, fields, planComplaintUpdate, afterComplaintUpdate)
}

// FileComplaint takes in a complaint as auth would through the API.
func FileComplaint(app core.App, c *core.Record, auth *core.Record) error {
	if err := prepareIntake(app, c, auth); err != nil {
		return err
	}
	graded := isGraded(c.GetString("level"))
	return app.RunInTransaction(func(tx core.App) error {
		hot, err := markHot(tx, c)
		if err != nil {
			return err
		}
		if err := tx.Save(c); err != nil {
			return err
		}
		return afterIntake(tx, c, auth, graded, hot)
	})
}

// A complaint joins a hot group as it is taken in ([001] 中汇广场 七, office practice): when the
// complaints about the same matter — the same category in the same
// building over the past 24 hours, naming the same place or sharing enough
// words (lib/topic) — reach the community's threshold, counting the new
// one, they become hot and point at the earliest one (or at the group one
// of them already belongs to). Each keeps why it was grouped (hot_reason),
// for the supervisor who may split a wrong group (splitHot); a complaint
// split out (hot_split) is left out of detection from then on.
//
// The new complaint is marked before its insert (markHot, in the insert's
// execution) so that it is written once; afterIntake then records that it
// joined, brings the rest of the matches into the group and tells the
// managers when a group forms. The candidates are narrowed in SQL (building,
// category, window); only the few columns the judgement reads are loaded.

// hotClusterSQL is the condition for r's candidates (r excluded), with the
// parameters of hotParams. Each value is written +{:name}: a kept statement
// is then not compiled again for each new value (lib/stmtcache, "A value
// written +?"); the plan is the same (idx_complaints_hot).
const hotClusterSQL = "building = +{:b} AND category = +{:cat} AND status != 'invalid' AND hot_split = FALSE AND received_at >= +{:since} AND received_at <= +{:until} AND id != +{:id}"

// hotCandidateLimit bounds the candidates judged at one intake: a burst (a
// water outage) is grouped long before it reaches it.
const hotCandidateLimit = 300

func hotParams(r *core.Record) dbx.Params {
	received := r.GetDateTime("received_at").Time()
	return dbx.Params{"b": r.GetString("building"), "cat": r.GetString("category"), "id": r.Id,
		"since": received.Add(-hotWindow).UTC().Format(types.DefaultDateLayout),
		"until": received.UTC().Format(types.DefaultDateLayout)}
}

// hotMatch is a candidate about the same matter as the new complaint.
type hotMatch struct {
	Id       string `db:"id"`
	HotGroup string `db:"hot_group"`
	Level    string `db:"level"`
	Unit     string `db:"unit"`
	Location string `db:"location"`
	Content  string `db:"content"`
	reason   topic.Reason
}

func topicOf(category, unit, location, content string) topic.Complaint {
	return topic.Complaint{Category: category, Unit: unit, Location: location, Content: content}
}

// hotMatches lists the candidates of r's cluster that are about the same
// matter as r, earliest first, each with the reason.
func hotMatches(app core.App, r *core.Record) ([]hotMatch, error) {
	return hotMatchesUntil(app, r, 0)
}

// hotMatchesUntil is hotMatches that stops reading, when enough > 0, at
// the match that makes both of what markHot needs known: enough matches
// for the threshold, and the earliest match already in a group (the group
// the new complaint joins). Joining a group — every complaint of a burst
// after the one that formed it — then reads the first few candidates, not
// all of the window's (up to hotCandidateLimit, each judged by its words):
// the earliest candidates are the group's members. Without a match in a
// group it reads them all, as hotMatches does.
func hotMatchesUntil(app core.App, r *core.Record, enough int) ([]hotMatch, error) {
	rows, err := app.DB().Select("id", "hot_group", "level", "unit", "location", "content").From("complaints").
		Where(dbx.NewExp(hotClusterSQL, hotParams(r))).OrderBy("received_at", "rowid").Limit(hotCandidateLimit).Rows()
	if err != nil {
		return nil, fmt.Errorf("hot candidates: %w", err)
	}
	defer rows.Close()
	me := topicOf(r.GetString("category"), r.GetString("unit"), r.GetString("location"), r.GetString("content"))
	var out []hotMatch
	grouped := false
	for rows.Next() {
		var c hotMatch
		if err := rows.ScanStruct(&c); err != nil {
			return nil, fmt.Errorf("hot candidates: %w", err)
		}
		reason, ok := topic.Match(topicOf(me.Category, c.Unit, c.Location, c.Content), me)
		if !ok {
			continue
		}
		c.reason = reason
		out = append(out, c)
		grouped = grouped || c.HotGroup != ""
		if enough > 0 && grouped && len(out) >= enough {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hot candidates: %w", err)
	}
	return out, nil
}

func reasonJSON(r topic.Reason) types.JSONRaw {
	b, _ := json.Marshal(r)
	return types.JSONRaw(b)
}

// hotIntake is what markHot found out about a new complaint that joinHot,
// in the same transaction, would otherwise ask the database again (issue
// #23, item 2).
type hotIntake struct {
	// joined: the complaint took the group of a match already in it, so
	// the group has members besides it.
	joined bool
	// matches, when read is set, are all of the complaint's matches in the
	// window, earliest first, as hotMatches reads them: markHot reads them
	// all when no match is in a group (hotMatchesUntil stops early only at
	// one that is), and those are what a group it forms is made of.
	matches []hotMatch
	read    bool
}

// markHot sets the new complaint r's hot group, reason and level if it
// makes or joins one, and says what it found (hotIntake).
func markHot(app core.App, r *core.Record) (found hotIntake, err error) {
	threshold := 0 // the community's, read with the unit when there is one
	if r.GetString("building") == "" && r.GetString("unit") != "" {
		// validatePlace fills it in as the record is saved; hot detection
		// runs before that, and a unit that does not exist is refused there.
		// The unit's community's threshold comes in the same query, which
		// validatePlace then reuses (readPlace).
		u, err := readPlace(app, r)
		if err != nil {
			return found, nil
		}
		r.Set("building", u.Building)
		if r.GetString("community") == "" {
			r.Set("community", u.Community)
		}
		if r.GetString("community") == u.Community {
			threshold = u.HotThreshold
			if threshold <= 0 {
				threshold = defaultHotThreshold
			}
		}
	}
	if r.GetString("building") == "" || r.GetString("hot_group") != "" || r.GetBool("hot_split") {
		return found, nil
	}
	if r.Id == "" {
		r.Id = core.GenerateDefaultRandomId() // a group may be led by the new complaint itself
	}
	if threshold == 0 {
		threshold = hotThreshold(app, r.GetString("community"))
	}
	// Enough to decide: threshold-1 matches (with the new one, the
	// threshold) and the earliest match in a group, if any.
	matches, err := hotMatchesUntil(app, r, max(threshold-1, 1))
	if err != nil {
		return found, err
	}
	if len(matches)+1 < threshold {
		return found, nil
	}
	lead := r.Id // a threshold of 1: a group of its own
	var by *hotMatch
	// The group one of them is in, else the earliest of them.
	for i := range matches {
		if matches[i].HotGroup != "" {
			by, lead, found.joined = &matches[i], matches[i].HotGroup, true
			break
		}
	}
	if !found.joined {
		// No match in a group: hotMatchesUntil read the window through.
		found.matches, found.read = matches, true
	}
	if by == nil && len(matches) > 0 {
		by, lead = &matches[0], matches[0].Id
	}
	r.Set("hot_group", lead)
	if by != nil {
		r.Set("hot_reason", reasonJSON(by.reason))
		// A complaint read just now, or the group such a one is in:
		// complaints are never deleted (registerComplaints).
		vouch(r, "complaints", lead)
	}
	if r.GetString("level") == "general" {
		r.Set("level", "hot")
	}
	return found, nil
}

func hotThreshold(app core.App, community string) int {
	if c, err := app.FindRecordById("communities", community); err == nil && c.GetInt("hot_threshold") > 0 {
		return c.GetInt("hot_threshold")
	}
	return defaultHotThreshold
}

// joinHot runs after the new complaint r was inserted marked hot: its event,
// the rest of its matches into the group, and the managers told if the group
// is new. What markHot found in this transaction (hot) is not asked again:
// that the group had members when r joined a match's group, and r's matches
// when it forms one.
func joinHot(app core.App, r *core.Record, hot hotIntake) error {
	lead := r.GetString("hot_group")
	if lead == "" {
		return nil
	}
	hadMembers := hot.joined // whether the group had members before this intake
	if !hot.joined {
		var existed []string
		if err := app.DB().Select("id").From("complaints").
			Where(dbx.NewExp("hot_group = +{:g} AND id != +{:id}", dbx.Params{"g": lead, "id": r.Id})).Limit(1).Column(&existed); err != nil {
			return fmt.Errorf("hot group: %w", err)
		}
		hadMembers = len(existed) > 0
	}
	if err := RecordEvent(app, Event{Subject: r, Action: "hot", To: "hot", Note: "group " + lead + " " + reasonNote(r.Get("hot_reason"))}); err != nil {
		return err
	}
	if hadMembers {
		// Joining a group: its members joined as they came in (or when it
		// formed), so only this one is new to it.
		return nil
	}
	matches := hot.matches
	if !hot.read {
		var err error
		if matches, err = hotMatches(app, r); err != nil {
			return err
		}
	}
	var words []string
	var first *core.Record // the group's lead, when it is one of the members saved here
	for _, m := range matches {
		for _, k := range m.reason.Keywords {
			if !slices.Contains(words, k) {
				words = append(words, k)
			}
		}
		if m.HotGroup == lead && m.Level != "general" {
			continue
		}
		c, err := app.FindRecordById("complaints", m.Id)
		if err != nil {
			return fmt.Errorf("hot member %s: %w", m.Id, err)
		}
		c.Set("hot_group", lead)
		c.Set("hot_reason", reasonJSON(m.reason))
		if c.GetString("level") == "general" {
			c.Set("level", "hot")
		}
		if err := saveHotMember(app, c); err != nil {
			return fmt.Errorf("mark hot %s: %w", c.Id, err)
		}
		if err := RecordEvent(app, Event{Subject: c, Action: "hot", To: "hot", Note: "group " + lead + " " + reasonNote(m.reason)}); err != nil {
			return err
		}
		if c.Id == lead {
			first = c // just saved: as stored (issue #23, item 2)
		}
	}
	if first == nil {
		var err error
		if first, err = app.FindRecordById("complaints", lead); err != nil {
			return fmt.Errorf("hot lead %s: %w", lead, err)
		}
	}
	// The group is r and the matches just saved: no other complaint was in
	// it (hadMembers, asked above in this transaction), so it is not
	// counted again (issue #23, item 2).
	size := 1 + len(matches)
	title := fmt.Sprintf("热点投诉：同一楼栋 24 小时内 %d 起“%s”类投诉", size, categoryLabels[r.GetString("category")])
	if len(words) > 0 {
		title += "，都提到“" + strings.Join(words, "”“") + "”"
	}
	return notifyManagers(app, first, "complaint_hot", title)
}

// saveHotMember saves complaint c, read just now in this transaction, taken
// into a hot group: its group, reason and level set. Nothing else of it
// changed, so PocketBase's validation would only check again what was
// stored — its place (validatePlace's read of the unit) and every field —
// and its group's lead is a complaint read in this transaction (complaints
// are never deleted). What the change needs is done here: the deadlines of
// its new level (complaintDeadlines, as its validation would), then the
// save writes the changed columns alone (saveChangedColumns), with the
// update hooks and realtime messages of any save (issue #23, item 2).
func saveHotMember(app core.App, c *core.Record) error {
	if err := complaintDeadlines(app, c); err != nil {
		return err
	}
	return saveChangedColumns(app, c)
}

// reasonNote writes a hot reason for the events: the shared place or words.
func reasonNote(v any) string {
	var r topic.Reason
	switch x := v.(type) {
	case topic.Reason:
		r = x
	case types.JSONRaw:
		if json.Unmarshal(x, &r) != nil {
			return ""
		}
	default:
		return ""
	}
	var parts []string
	if r.SameLocation {
		parts = append(parts, "同一地点")
	}
	if len(r.Keywords) > 0 {
		parts = append(parts, "共同关键词："+strings.Join(r.Keywords, "、"))
	}
	return strings.Join(parts, "；")
}

var categoryLabels = map[string]string{
	"security": "安保", "cleaning": "清洁", "greening": "绿化", "engineering": "工程维修",
	"mail": "信件报刊", "renovation": "装修管理", "staff_attitude": "员工服务态度", "other": "其它",
}

// FlagOverdueComplaints flags the complaints whose first response, reply or
// (for a complex matter) solution is late at time at, records each breach and escalates it to the
// community's supervisors and director — once: a flagged breach is not
// flagged again. It is the body of the deadline cron job.
//
// The query runs before the write transaction, and a complaint may be
// answered, closed or flagged meanwhile: each one is read again inside the
// transaction and judged on what is stored then (saving the copy read
// before would put a reply or a closing back, and flag a breach that never
// happened).
func FlagOverdueComplaints(app core.App, at time.Time) (int, error) {
	stamp := at.UTC().Format(types.DefaultDateLayout)
	// Only open complaints can be late: the status test, word for word as
	// idx_complaints_job_open's (migration 0087), reads them in id order
	// from that index, not the million closed ones.
	late := dbx.NewExp(`status IN ('received','assigned','processing') AND (
		(status = 'received' AND first_response_overdue = FALSE AND first_response_due != '' AND first_response_due < {:at})
		OR (reply_overdue = FALSE AND reply_due != '' AND reply_due < {:at})
		OR (solution_overdue = FALSE AND solution_due != '' AND solution_due < {:at}))`,
		dbx.Params{"at": stamp})
	return eachCandidate(app, "complaint_deadlines", "complaints", late, func(tx core.App, c, _ *core.Record) (bool, error) {
		status := c.GetString("status")
		var kinds []string
		if status == "received" && !c.GetBool("first_response_overdue") && overdue(c.GetString("first_response_due"), stamp) {
			c.Set("first_response_overdue", true)
			kinds = append(kinds, "first_response")
		}
		if slices.Contains([]string{"received", "assigned", "processing"}, status) && !c.GetBool("reply_overdue") && overdue(c.GetString("reply_due"), stamp) {
			c.Set("reply_overdue", true)
			kinds = append(kinds, "reply")
		}
		if slices.Contains([]string{"received", "assigned", "processing"}, status) && !c.GetBool("solution_overdue") && overdue(c.GetString("solution_due"), stamp) {
			c.Set("solution_overdue", true)
			kinds = append(kinds, "solution")
		}
		if len(kinds) == 0 {
			return false, nil
		}
		// The flags alone, not PocketBase's write of every column and
		// index entry (flagOnce says why).
		if err := saveChangedColumns(tx, c); err != nil {
			return false, fmt.Errorf("flag %s: %w", c.Id, err)
		}
		for _, k := range kinds {
			if err := RecordEvent(tx, Event{Subject: c, Action: "overdue_" + k}); err != nil {
				return false, err
			}
			title := fmt.Sprintf("投诉 %s 超时未%s，%s", c.GetString("serial"),
				map[string]string{"first_response": "首次回应", "reply": "答复", "solution": "提供解决方案"}[k], escalatedTo(c))
			if err := notifyManagers(tx, c, "complaint_overdue", title); err != nil {
				return false, err
			}
		}
		return true, nil
	})
}

// escalatedTo says who an overdue complaint went up to, as notifyManagers
// sends it: a complaint about the service center to the administration
// office and the director ([003] 2.2.8), any other to the service center's
// supervisor and the director.
func escalatedTo(c *core.Record) string {
	if c.GetBool("about_service_center") {
		return "已报行政人事部和管理处主任"
	}
	return "已报客服主管和管理处主任"
}

// overdue reports whether a stored deadline (empty: none) has passed at
// stamp (both in PocketBase's UTC layout, which sorts as text).
func overdue(due, stamp string) bool {
	return due != "" && due < stamp
}
