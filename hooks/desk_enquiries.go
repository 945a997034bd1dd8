package hooks

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Enquiries (咨询记录, [000] 前台 4.1.1; docs/DESIGN.md, "Front desk
// registers"): the desk answers residents' questions in person or on the
// phone, patiently; what it cannot answer at once it promises to answer by
// a day (4.1.1.2); the important ones are written down (4.1.1.3). An
// enquiry that turns out to be a complaint or a repair becomes one in one
// step (POST /api/wuye/enquiries/{id}/convert), with the caller as the
// contact, and the enquiry names it (converted_to). Counted in the monthly
// report (DeskMonthFigures).

// enquiryEditable: after the entry only the answer is filled in later.
var enquiryEditable = []string{"answer", "answer_due"}

func registerEnquiries(app core.App) {
	messages["wuye_enquiry_not_your_area"] = text{"只能为本人负责片区的房屋转为投诉或派工单", "You can turn an enquiry into a complaint or work order only for a unit of your own area."}
	app.OnRecordCreateRequest("enquiries").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareEnquiry(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "create", Actor: e.Auth, Note: shorten(e.Record.GetString("topic"), 60)})
		})
	})
	app.OnRecordUpdateRequest("enquiries").BindFunc(func(e *core.RecordRequestEvent) error {
		orig, q := e.Record.Original(), e.Record
		for _, f := range changedFields(orig, q) {
			if !slices.Contains(enquiryEditable, f) {
				return badRequest(validation.Errors{f: codedError("wuye_field_locked")})
			}
		}
		if err := checkDate(q, "answer_due"); err != nil {
			return badRequest(err.(validation.Errors))
		}
		answered := q.GetString("answer") != orig.GetString("answer")
		if answered {
			q.Set("answered_at", nowDateTime())
		}
		return inTx(e, func(tx core.App) error {
			if !answered {
				return nil
			}
			return RecordEvent(tx, Event{Subject: q, Action: "answered", Actor: e.Auth, Note: shorten(q.GetString("answer"), 60)})
		})
	})
	app.OnRecordDelete("enquiries").BindFunc(refuseDelete)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/enquiries/{id}/convert", convertEnquiry).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// TakeEnquiry records an enquiry as auth would through the API.
func TakeEnquiry(app core.App, q, auth *core.Record) error {
	if err := prepareEnquiry(app, q, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(q); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: q, Action: "create", Actor: auth, Note: shorten(q.GetString("topic"), 60)})
	})
}

func prepareEnquiry(app core.App, q, auth *core.Record) error {
	if u := q.GetString("unit"); u != "" {
		c, err := unitCommunity(app, u, "unit")
		if err != nil {
			return err
		}
		if c != q.GetString("community") {
			return badRequest(validation.Errors{"unit": codedError("wuye_unit_of_community")})
		}
	}
	if err := checkDate(q, "answer_due"); err != nil {
		return badRequest(err.(validation.Errors))
	}
	q.Set("converted_to", "")
	q.Set("converted_kind", "")
	q.Set("taken_by", actorID(auth))
	q.Set("answered_at", nil)
	if strings.TrimSpace(q.GetString("answer")) != "" {
		q.Set("answered_at", nowDateTime())
	}
	return nil
}

// enquiryChannelToComplaint: how the caller came, in the complaints' words.
var enquiryChannelToComplaint = map[string]string{"phone": "phone", "visit": "visit", "wechat": "phone", "other": "visit"}

// ConvertEnquiry turns enquiry q into a complaint or a work order (to:
// "complaint" or "work_order") filed by auth, with fields (category, and
// content/description, level, kind, service_item, location as the form
// gives them), and marks the enquiry — all in one transaction.
func ConvertEnquiry(app core.App, q, auth *core.Record, to string, fields map[string]string) (*core.Record, error) {
	target := map[string]string{"complaint": "complaints", "work_order": "work_orders"}[to]
	if target == "" {
		return nil, badRequest(validation.Errors{"to": codedError("wuye_enquiry_convert_to")})
	}
	if q.GetString("converted_to") != "" {
		return nil, apis.NewApiError(http.StatusConflict, "", validation.Errors{"converted_to": codedError("wuye_enquiry_converted")})
	}
	if q.GetString("caller_phone") == "" {
		return nil, badRequest(validation.Errors{"caller_phone": codedError("validation_required")})
	}
	col, err := app.FindCachedCollectionByNameOrId(target)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	text := strings.TrimSpace(fields["content"])
	if text == "" {
		text = strings.TrimSpace(q.GetString("topic") + "\n" + q.GetString("answer"))
	}
	r.Set("community", q.GetString("community"))
	r.Set("unit", q.GetString("unit"))
	r.Set("location", fields["location"])
	r.Set("contact_name", q.GetString("caller_name"))
	r.Set("contact_phone", q.GetString("caller_phone"))
	r.Set("category", fields["category"])
	if q.GetString("unit") == "" && strings.TrimSpace(fields["location"]) == "" {
		return nil, badRequest(validation.Errors{"location": codedError("validation_required")})
	}
	err = app.RunInTransaction(func(tx core.App) error {
		stored, err := tx.FindRecordById("enquiries", q.Id)
		if err != nil {
			return err
		}
		if stored.GetString("converted_to") != "" {
			return apis.NewApiError(http.StatusConflict, "", validation.Errors{"converted_to": codedError("wuye_enquiry_converted")})
		}
		if target == "complaints" {
			r.Set("channel", enquiryChannelToComplaint[q.GetString("channel")])
			r.Set("level", fields["level"])
			r.Set("content", text)
			err = FileComplaint(tx, r, auth)
		} else {
			r.Set("kind", fields["kind"])
			r.Set("service_item", fields["service_item"])
			r.Set("description", text)
			err = FileWorkOrder(tx, r, auth)
		}
		if err != nil {
			return err
		}
		stored.Set("converted_to", r.Id)
		stored.Set("converted_kind", target)
		if err := tx.Save(stored); err != nil {
			return err
		}
		q = stored
		return RecordEvent(tx, Event{Subject: stored, Action: "converted", To: target, Actor: auth, Note: r.GetString("serial")})
	})
	var ve validation.Errors
	if errors.As(err, &ve) {
		return nil, badRequest(ve)
	}
	return r, err
}

// convertEnquiry answers POST /api/wuye/enquiries/{id}/convert
// {"to": "complaint"|"work_order", "category", …}: the enquiry's keepers
// of its community turn it into a complaint or a work order at once.
func convertEnquiry(e *core.RequestEvent) error {
	q, err := e.App.FindRecordById("enquiries", e.Request.PathValue("id"))
	if err != nil || !hasRole(e.Auth, enquiryKeepers...) || !servesCommunity(e.Auth, q.GetString("community")) {
		return apis.NewNotFoundError("", nil)
	}
	var body struct {
		To          string `json:"to"`
		Category    string `json:"category"`
		Content     string `json:"content"`
		Level       string `json:"level"`
		Kind        string `json:"kind"`
		ServiceItem string `json:"service_item"`
		Location    string `json:"location"`
	}
	if err := e.BindBody(&body); err != nil {
		return badRequest(validation.Errors{"to": codedError("validation_invalid_value")})
	}
	// An area manager takes requests for their own area only (the create
	// rules of complaints and work orders, migrations/0065_area_manager_intake.go);
	// converting an enquiry is no way around them.
	if hasRole(e.Auth, RoleAreaManager) {
		if m := areaManagerOf(e.App, q.GetString("unit")); m == nil || m.Id != e.Auth.Id {
			return apis.NewForbiddenError("", validation.Errors{"unit": codedError("wuye_enquiry_not_your_area")})
		}
	}
	r, err := ConvertEnquiry(e.App, q, e.Auth, body.To, map[string]string{"category": body.Category, "content": body.Content,
		"level": body.Level, "kind": body.Kind, "service_item": body.ServiceItem, "location": body.Location})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"collection": r.Collection().Name, "id": r.Id, "serial": r.GetString("serial")})
}
