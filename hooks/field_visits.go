package hooks

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// Area managers in the field (docs/DESIGN.md, "Front desk: handover,
// incidents, visits"): visits records what an area manager saw on a
// door-to-door visit ([000] 管理员 4.6.1 巡访, 做好巡访记录), a building patrol
// (3.10 楼宇的每日巡查, 发现问题及时协调相关部门处理) or a revisit (4.6.2; [003]
// 2.7.3 片区客户助理回访). A finding that needs work becomes a complaint or a
// work order of the unit in the same step (3.5 对本楼宇住户当面咨询和投诉等
// 事项进行处理; 4.11.1 当面…受理业主/住户的特约服务请求), taken by the area
// manager on the resident's behalf. An area manager records visits in their
// own area only; the supervisor and the director anywhere in their
// community. A visit is never changed: a revisit is a new visit pointing at
// the first.

func init() {
	messages["wuye_visit_place"] = text{"请选择房屋或楼栋", "Choose a unit or a building."}
	messages["wuye_visit_not_your_area"] = text{"只能记录本人负责片区的走访", "You can record visits only in your own area."}
	messages["wuye_visit_revisit_of"] = text{"回访必须对应本房屋或楼栋之前的一次走访", "A revisit must point at an earlier visit of the same unit or building."}
	messages["wuye_visit_not_revisit"] = text{"只有回访才能关联之前的走访", "Only a revisit points at an earlier visit."}
	messages["wuye_visit_follow_up_category"] = text{"请选择跟进事项的类别", "Choose the follow-up's category."}
	messages["wuye_visit_follow_up_contact"] = text{"生成投诉或派工单需要联系人和电话", "A complaint or work order needs a contact name and phone."}
	messages["wuye_visit_building"] = text{"楼栋与房屋不符", "The building is not the unit's."}
	messages["wuye_visit_category_alone"] = text{"只有生成投诉或派工单时才填写跟进类别", "A follow-up category goes only with a complaint or work order to create."}
	messages["wuye_visit_final"] = text{"走访记录不能删除", "A visit record is never deleted."}
	documentFieldLabels["findings"] = text{"走访情况", "Findings"}
	documentFieldLabels["purpose"] = text{"走访目的", "Purpose"}
	documentFieldLabels["follow_up_kind"] = text{"跟进方式", "Follow-up"}
	documentFieldLabels["follow_up_category"] = text{"跟进类别", "Follow-up category"}
	documentFieldLabels["revisit_of"] = text{"原走访", "Revisit of"}
}

// visitServerOwned are the fields only Wuye fills.
var visitServerOwned = []string{"community", "area", "staff", "visited_at", "follow_up", "follow_up_serial"}

func registerVisits(app core.App) {
	app.OnRecordCreateRequest("visits").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareVisit(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error { return afterVisit(tx, e.Record, e.Auth) })
	})
	app.OnRecordDelete("visits").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_visit_final")})
	})
}

// prepareVisit places the visit — its unit's building, community and area —
// and checks that the visitor may record it there and that a follow-up or a
// revisit is complete.
func prepareVisit(app core.App, r, auth *core.Record) error {
	for _, f := range visitServerOwned {
		r.Set(f, nil)
	}
	r.Set("staff", actorID(auth))
	r.Set("visited_at", now())
	if id := r.GetString("unit"); id != "" {
		u, err := app.FindRecordById("units", id)
		if err != nil {
			return badRequest(validation.Errors{"unit": codedError("validation_missing_rel_records")})
		}
		if b := r.GetString("building"); b != "" && b != u.GetString("building") {
			return badRequest(validation.Errors{"building": codedError("wuye_visit_building")})
		}
		r.Set("building", u.GetString("building"))
	}
	b, err := app.FindRecordById("buildings", r.GetString("building"))
	if err != nil {
		return badRequest(validation.Errors{"unit": codedError("wuye_visit_place")})
	}
	r.Set("community", b.GetString("community"))
	r.Set("area", b.GetString("area"))
	if hasRole(auth, RoleAreaManager) {
		var manager string
		_ = app.DB().Select("manager").From("areas").Where(dbx.HashExp{"id": b.GetString("area")}).Row(&manager)
		if manager != auth.Id {
			return apis.NewForbiddenError("", validation.Errors{"unit": codedError("wuye_visit_not_your_area")})
		}
	}
	if err := checkNamedResident(app, r, "resident"); err != nil {
		return err
	}
	if res := r.GetString("resident"); res != "" {
		if p, err := app.FindRecordById("residents", res); err == nil {
			if r.GetString("contact_name") == "" {
				r.Set("contact_name", p.GetString("name"))
			}
			if r.GetString("contact_phone") == "" {
				r.Set("contact_phone", p.GetString("phone"))
			}
		}
	}
	if first := r.GetString("revisit_of"); r.GetString("kind") == "revisit" {
		v, err := app.FindRecordById("visits", first)
		if err != nil || v.GetString("building") != r.GetString("building") || v.GetString("unit") != r.GetString("unit") {
			return badRequest(validation.Errors{"revisit_of": codedError("wuye_visit_revisit_of")})
		}
	} else if first != "" {
		return badRequest(validation.Errors{"revisit_of": codedError("wuye_visit_not_revisit")})
	}
	switch kind, cat := r.GetString("follow_up_kind"), r.GetString("follow_up_category"); kind {
	case "":
		if cat != "" {
			return badRequest(validation.Errors{"follow_up_category": codedError("wuye_visit_category_alone")})
		}
	case "complaint", "work_order":
		vocab := migrations.ComplaintCategories
		if kind == "work_order" {
			vocab = migrations.WorkCategories
		}
		if !slices.Contains(vocab, cat) {
			return badRequest(validation.Errors{"follow_up_category": codedError("wuye_visit_follow_up_category")})
		}
		if r.GetString("contact_name") == "" || r.GetString("contact_phone") == "" {
			return badRequest(validation.Errors{"contact_phone": codedError("wuye_visit_follow_up_contact")})
		}
	}
	return nil
}

// afterVisit records the visit and files its follow-up, a complaint or a
// work order taken by the visitor with the findings as its content, in the
// visit's transaction.
func afterVisit(tx core.App, r, auth *core.Record) error {
	if err := RecordEvent(tx, Event{Subject: r, Action: "visit_recorded", Actor: auth,
		Note: r.GetString("kind") + " " + shorten(r.GetString("findings"), 100)}); err != nil {
		return err
	}
	kind := r.GetString("follow_up_kind")
	if kind == "" {
		return nil
	}
	collection := map[string]string{"complaint": "complaints", "work_order": "work_orders"}[kind]
	col, err := tx.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return err
	}
	f := core.NewRecord(col)
	f.Set("community", r.GetString("community"))
	f.Set("unit", r.GetString("unit"))
	f.Set("building", r.GetString("building"))
	f.Set("contact_name", r.GetString("contact_name"))
	f.Set("contact_phone", r.GetString("contact_phone"))
	f.Set("category", r.GetString("follow_up_category"))
	if kind == "complaint" {
		f.Set("resident", r.GetString("resident"))
		f.Set("channel", "onsite")
		f.Set("content", r.GetString("findings"))
		if r.GetString("unit") == "" {
			f.Set("location", "楼栋巡查")
		}
		err = FileComplaint(tx, f, auth)
	} else {
		f.Set("requester", r.GetString("resident"))
		f.Set("kind", "routine")
		f.Set("description", r.GetString("findings"))
		if r.GetString("unit") == "" {
			f.Set("location", "楼栋巡查")
		}
		err = FileWorkOrder(tx, f, auth)
	}
	if err != nil {
		return err
	}
	r.Set("follow_up", f.Id)
	r.Set("follow_up_serial", f.GetString("serial"))
	return tx.SaveNoValidate(r)
}

// RecordVisit records a visit as auth would through the API. The demo
// loader uses it.
func RecordVisit(app core.App, r, auth *core.Record) error {
	if err := prepareVisit(app, r, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(r); err != nil {
			return err
		}
		return afterVisit(tx, r, auth)
	})
}

// VisitCount is one visitor's visits of a month.
type VisitCount struct {
	Staff        string `db:"staff" json:"staff"`
	Name         string `db:"name" json:"name"`
	Visits       int    `db:"visits" json:"visits"`
	DoorToDoor   int    `db:"door_to_door" json:"door_to_door"`
	Patrols      int    `db:"patrols" json:"patrols"`
	Revisits     int    `db:"revisits" json:"revisits"`
	FollowUps    int    `db:"follow_ups" json:"follow_ups"`
	UnitsVisited int    `db:"units_visited" json:"units_visited"`
}

// VisitCounts counts the visits of community in the Shanghai month of month
// by visitor, in SQL, for the dashboard.
func VisitCounts(app core.App, community string, month time.Time) ([]VisitCount, error) {
	_, _, p := monthBounds(month)
	p["c"] = community
	out := []VisitCount{}
	err := app.DB().NewQuery(`SELECT v.staff, COALESCE(s.name, '') AS name, COUNT(*) AS visits,
			COALESCE(SUM(v.kind = 'door_to_door'), 0) AS door_to_door,
			COALESCE(SUM(v.kind = 'building_patrol'), 0) AS patrols,
			COALESCE(SUM(v.kind = 'revisit'), 0) AS revisits,
			COALESCE(SUM(v.follow_up != ''), 0) AS follow_ups,
			COUNT(DISTINCT NULLIF(v.unit, '')) AS units_visited
		FROM visits v LEFT JOIN staff s ON s.id = v.staff
		WHERE v.community = {:c} AND v.visited_at >= {:from} AND v.visited_at < {:to}
		GROUP BY v.staff ORDER BY name, v.staff`).Bind(p).All(&out)
	if err != nil {
		return nil, fmt.Errorf("visit counts: %w", err)
	}
	return out, nil
}
