package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// Emergencies and special incidents (紧急求援 / 特别事件, [000] 前台接待工作规程
// 4.1.4: 对业主和住户紧急求援、求救信号进行登记, 并迅速上报相关部门或责任人;
// 4.1.4.1 水管爆裂、突然断电…将突发事件信息迅速告知保安队或工程队, 并做好事件记录)
// are the document incidents, with this flow: registered (reported) — the
// director, security and engineering of the community are told at once;
// someone goes (responding); it is dealt with (resolved); the special
// incident report (特别事件报告单, [000] 前台 5.14) is written to management
// (reported_up), due within one working day of the report ([004] 三 4.3:
// 重大质量事故、突发事件…在一个工作日内通报给相关部门或人员). A report not
// written by then is flagged once and told to the managers. What was done
// in between is the incident's timeline: its events, each step and each
// action noted on it (POST /api/wuye/incidents/{id}/actions).
var IncidentFlow = []Step{
	{From: "reported", To: "responding", Verb: text{"开始处置", "Start responding"}, Actors: incidentResponders, Extras: []string{"response"}, Stamp: "responding_at"},
	{From: "reported", To: "resolved", Verb: text{"处置完毕", "Mark resolved"}, Actors: incidentResponders, Requires: []string{"resolution"}, Extras: []string{"response"}, Stamp: "resolved_at"},
	{From: "responding", To: "resolved", Verb: text{"处置完毕", "Mark resolved"}, Actors: incidentResponders, Requires: []string{"resolution"}, Extras: []string{"response"}, Stamp: "resolved_at"},
	{From: "resolved", To: "reported_up", Verb: text{"上报事件报告", "Send the report up"}, Actors: incidentReporters, Requires: []string{"report"}, Stamp: "reported_up_at"},
}

var (
	// incidentResponders go to an incident and deal with it.
	incidentResponders = []string{RoleFrontDesk, RoleAreaManager, RoleSecurity, RoleEngineer, RoleSupervisor, RoleDirector}
	// incidentReporters write the special incident report: the desk that
	// registered it and the managers ([000] 前台 5.14).
	incidentReporters = []string{RoleFrontDesk, RoleSupervisor, RoleDirector}
	// incidentAlerted are told of a new incident at once.
	incidentAlerted = []string{RoleDirector, RoleSecurity, RoleEngineer}
)

var incidentFlow = &Flow{
	Noun: text{"特别事件", "incident"}, Steps: IncidentFlow, Terminal: []string{"reported_up"},
	Labels: map[string]text{
		"reported": {"已登记", "reported"}, "responding": {"处置中", "responding"},
		"resolved": {"已处置", "resolved"}, "reported_up": {"已上报", "reported up"},
	},
	Actors: func(auth, r *core.Record) []string {
		if isStaff(auth) {
			return []string{auth.GetString("role")}
		}
		return nil
	},
	Editable: func(actors []string, from string) []string {
		if hasAny(actors, incidentResponders) && from != "reported_up" {
			return []string{"response", "resolution"}
		}
		return nil
	},
}

var incidentKindLabels = map[string]text{
	"fire": {"火警", "fire"}, "flooding": {"水浸/爆管", "flooding"}, "lift_entrapment": {"电梯困人", "lift entrapment"},
	"medical": {"急病/受伤", "medical"}, "security": {"治安事件", "security"}, "power_outage": {"停电", "power outage"},
	"water_outage": {"停水", "water outage"}, "other": {"其他", "other"},
}

func init() {
	messages["wuye_incident_time"] = text{"报告时间不能晚于现在，也不能早于 7 天前", "The time reported cannot be in the future nor more than 7 days ago."}
	messages["wuye_incident_place"] = text{"楼栋或房屋不属于该小区", "The building or unit is not in this community."}
	messages["wuye_incident_closed"] = text{"特别事件已上报，不能再添加处置记录", "The incident has been reported up; no more actions can be added."}
	messages["wuye_incident_final"] = text{"特别事件记录不能删除", "An incident record is never deleted."}
	documentFieldLabels["response"] = text{"处置情况", "Response"}
	documentFieldLabels["resolution"] = text{"处理结果", "Resolution"}
	documentFieldLabels["report"] = text{"特别事件报告", "Incident report"}
	documentFieldLabels["reported_at"] = text{"报告时间", "Reported at"}
	documentFieldLabels["report_due"] = text{"上报期限", "Report due"}
}

// incidentServerOwned are the fields only Wuye fills.
var incidentServerOwned = []string{"status", "reported_by", "responding_at", "resolved_at", "report_due", "reported_up_at",
	"report", "reported_up_by", "report_overdue", "resolution"}

func registerIncidents(app core.App) {
	app.OnRecordCreateRequest("incidents").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareIncident(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error { return afterIncidentReport(tx, e.Record, e.Auth) })
	})
	bindFlowUpdates(app, "incidents", planIncidentUpdate, afterIncidentUpdate, "status")
	app.OnRecordDelete("incidents").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_incident_final")})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/incidents/{id}/actions", incidentAction).Bind(apis.RequireAuth())
		se.Router.GET("/api/wuye/incidents/{id}/report", incidentReport).Bind(apis.RequireAuth())
		return se.Next()
	})
	addJob(app, "wuye_incident_reports", "*/15 * * * *", jobStep{"flag overdue incident reports", FlagOverdueIncidentReports})
}

// prepareIncident takes in an incident: reported now (or at the time the
// caller gave, up to a week back), by the signed-in member of staff, its
// report due one working day later.
func prepareIncident(app core.App, r, auth *core.Record) error {
	for _, f := range incidentServerOwned {
		r.Set(f, nil)
	}
	r.Set("status", "reported")
	r.Set("reported_by", actorID(auth))
	at := now()
	if t := r.GetDateTime("reported_at"); !t.IsZero() {
		if t.Time().After(at.Add(time.Minute)) || t.Time().Before(at.Add(-7*24*time.Hour)) {
			return badRequest(validation.Errors{"reported_at": codedError("wuye_incident_time")})
		}
		at = t.Time()
	}
	r.Set("reported_at", at)
	for _, f := range []string{"building", "unit"} {
		if id := r.GetString(f); id != "" {
			rec, err := app.FindRecordById(f+"s", id)
			if err != nil || rec.GetString("community") != r.GetString("community") {
				return badRequest(validation.Errors{f: codedError("wuye_incident_place")})
			}
		}
	}
	cal, err := Calendar(app)
	if err != nil {
		return err
	}
	r.Set("report_due", cal.AddWorkingDays(at, 1))
	return nil
}

// afterIncidentReport records the report and tells the director, security
// and engineering of the community at once.
func afterIncidentReport(tx core.App, r, auth *core.Record) error {
	kind := incidentKindLabels[r.GetString("kind")].zh
	if err := RecordEvent(tx, Event{Subject: r, Action: "incident_reported", To: "reported", Actor: auth,
		Note: kind + " " + r.GetString("location")}); err != nil {
		return err
	}
	title := fmt.Sprintf("紧急：%s %s（%s）", kind, r.GetString("location"), r.GetString("serial"))
	for _, role := range incidentAlerted {
		if err := notifyRole(tx, r.GetString("community"), role, r, "incident_reported", title); err != nil {
			return err
		}
	}
	return nil
}

func planIncidentUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	step, err := incidentFlow.Plan(auth, superuser, orig, r, at)
	if err == nil && step.To == "reported_up" {
		r.Set("reported_up_by", actorID(auth))
	}
	return step, err
}

// afterIncidentUpdate puts each step on the incident's timeline; the report
// goes to the managers.
func afterIncidentUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		for _, f := range []string{"response", "resolution"} {
			if r.GetString(f) != orig.GetString(f) {
				if err := RecordEvent(tx, Event{Subject: r, Action: "incident_" + f, Actor: auth, Note: shorten(r.GetString(f), 200)}); err != nil {
					return err
				}
			}
		}
		return nil
	}
	note := map[string]string{"responding": r.GetString("response"), "resolved": r.GetString("resolution"), "reported_up": "特别事件报告单"}[step.To]
	if err := RecordEvent(tx, Event{Subject: r, Action: "incident_" + step.To, From: step.From, To: step.To, Actor: auth,
		Note: shorten(note, 200)}); err != nil {
		return err
	}
	if step.To == "reported_up" {
		return notifyManagers(tx, r, "incident_reported_up",
			fmt.Sprintf("特别事件报告单 %s 已上报", r.GetString("serial")))
	}
	return nil
}

// incidentAction answers POST /api/wuye/incidents/{id}/actions {"note"}:
// an action taken on the incident, on its timeline, by staff who may act on
// it, until the report is written.
func incidentAction(e *core.RequestEvent) error {
	r, err := updatableRecord(e, "incidents")
	if err != nil {
		return err
	}
	var body struct {
		Note string `json:"note"`
	}
	if err := e.BindBody(&body); err != nil {
		return badRequest(validation.Errors{"note": codedError("validation_required")})
	}
	body.Note = strings.TrimSpace(body.Note)
	switch {
	case body.Note == "":
		return badRequest(validation.Errors{"note": codedError("validation_required")})
	case len([]rune(body.Note)) > 500:
		return badRequest(validation.Errors{"note": codedError("validation_max_text_constraint")})
	case r.GetString("status") == "reported_up":
		return badRequest(validation.Errors{"note": codedError("wuye_incident_closed")})
	}
	if err := RecordEvent(e.App, Event{Subject: r, Action: "incident_action", Actor: e.Auth, Note: body.Note}); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"ok": true})
}

// TimelineEntry is one event of a document's timeline as a report prints it.
type TimelineEntry struct {
	At     string `db:"created" json:"at"`
	Action string `db:"action" json:"action"`
	To     string `db:"to" json:"to"`
	Note   string `db:"note" json:"note"`
	Actor  string `db:"actor" json:"actor"`
}

// incidentReport answers GET /api/wuye/incidents/{id}/report: the printed
// 特别事件报告单 ([000] 前台 5.14) — what, where, when, who reported it, the
// timeline of what was done, the outcome and the report — to staff who
// may read the incident.
func incidentReport(e *core.RequestEvent) error {
	r, err := readableRecord(e, "incidents")
	if err != nil {
		return err
	}
	timeline := []TimelineEntry{}
	if err := e.App.DB().NewQuery(`SELECT e.created, e.action, e."to", e.note, COALESCE(s.name, '') AS actor
		FROM events e LEFT JOIN staff s ON s.id = e.actor_staff
		WHERE e.subject_collection = 'incidents' AND e.subject_id = {:id} ORDER BY e.created, e.rowid`).
		Bind(dbx.Params{"id": r.Id}).All(&timeline); err != nil {
		return err
	}
	local := func(s string) string {
		if t, err := types.ParseDateTime(s); err == nil && !t.IsZero() {
			return t.Time().In(workcal.Shanghai).Format("2006-01-02 15:04")
		}
		return ""
	}
	for i := range timeline {
		timeline[i].At = local(timeline[i].At)
	}
	place := r.GetString("location")
	community := ""
	if c, err := e.App.FindRecordById("communities", r.GetString("community")); err == nil {
		community = c.GetString("name")
	}
	kind := incidentKindLabels[r.GetString("kind")]
	return e.JSON(http.StatusOK, map[string]any{
		"serial": r.GetString("serial"), "community": community, "kind": r.GetString("kind"),
		"kind_label": map[string]string{"zh": kind.zh, "en": kind.en}, "location": place,
		"reported_at": local(r.GetString("reported_at")), "caller_name": r.GetString("caller_name"),
		"caller_phone": r.GetString("caller_phone"), "description": r.GetString("description"),
		"reported_by": staffName(e.App, r.GetString("reported_by")), "status": r.GetString("status"),
		"responding_at": local(r.GetString("responding_at")), "response": r.GetString("response"),
		"resolved_at": local(r.GetString("resolved_at")), "resolution": r.GetString("resolution"),
		"report_due": local(r.GetString("report_due")), "report_overdue": r.GetBool("report_overdue"),
		"reported_up_at": local(r.GetString("reported_up_at")), "reported_up_by": staffName(e.App, r.GetString("reported_up_by")),
		"report": r.GetString("report"), "timeline": timeline,
	})
}

// FlagOverdueIncidentReports flags the incidents whose report is still not
// written when it is due ([004] 三 4.3) and tells the supervisors and the
// director, once.
func FlagOverdueIncidentReports(app core.App, at time.Time) (int, error) {
	late := dbx.NewExp(`report_overdue = FALSE AND status != 'reported_up'
		AND report_due != '' AND report_due < {:at}`, dbx.Params{"at": at.UTC().Format(types.DefaultDateLayout)})
	return flagOnce(app, "incident_reports", "incidents", late, "report_overdue", "incident_report_overdue", func(tx core.App, r *core.Record) error {
		return notifyManagers(tx, r, "incident_report_overdue",
			fmt.Sprintf("特别事件 %s 的报告单已超过一个工作日未上报", r.GetString("serial")))
	})
}

// ReportIncident registers an incident as auth would through the API. The
// demo loader uses it.
func ReportIncident(app core.App, r, auth *core.Record) error {
	if err := prepareIncident(app, r, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(r); err != nil {
			return err
		}
		return afterIncidentReport(tx, r, auth)
	})
}

// AdvanceIncident moves an incident as actor would through the API.
func AdvanceIncident(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "incidents", id, actor, to, fields, planIncidentUpdate, afterIncidentUpdate)
}
