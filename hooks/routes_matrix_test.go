package hooks_test

// The route matrix (issue #16, item 4): every custom route — whatever
// hooks/ registers on the router beyond PocketBase's own API — × every
// caller of the permission matrix (anonymous, each kind of resident, each
// staff role of both communities, a superuser). A route must return nothing
// the caller could not list through the records API:
//
//   - the oracle: each caller lists every Wuye collection through the
//     records API (with the masking and hidden fields that applies to them);
//     every record id, serial, phone number, ID-card number and person's
//     name those answers contain is what the caller may know;
//   - each route is called as each caller, on the records and parameters
//     declared for it below (every pass, violation and hot-work permit,
//     sampled receipts, reminders and statements, every export of both
//     communities …); every record id, serial, phone, ID number and name in
//     the answer — JSON, spreadsheet or printed page — must be one the
//     caller may know (or one they sent);
//   - every refusal is in Chinese first (the statistics answered 401 in
//     English only), and every HTML page a route serves carries its own
//     Content-Security-Policy and no-store.
//
// The routes are read from the router itself, so a new route without a
// declared row fails the test (as does a row for a route that is gone).
// It counts tried/held/lost and logs one summary line:
//
//	go test ./hooks -run 'TestRouteMatrix$' -count=1 -v | grep 'route matrix:'

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/xuri/excelize/v2"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// routeCall is one request of a route's row.
type routeCall struct {
	method, url, body string
	// ctype is the body's content type when it is not JSON (a multipart
	// upload).
	ctype string
	// may, for a call whose success depends on the record it names as
	// well as on the caller, says who may have it succeed (over the row's
	// writes).
	may func(c *caller) bool
}

// routeRow declares how a route is called, and which JSON keys of its
// answer may name what the records API does not show the caller, and why.
type routeRow struct {
	calls func(m *routeMatrix) []routeCall
	// shown are JSON keys whose values the route shows beyond the records
	// API, by design (each with its reason in the row's comment).
	shown []string
	// writes, for a route that changes data, is who may have it succeed
	// (anyone else must be refused).
	writes func(c *caller) bool
}

// calendarWriter: the director and superusers keep the working-day
// calendar (migrations/0047_calendar_director.go).
func calendarWriter(c *caller) bool {
	return c.kind == "superuser" || c.kind == "staff" && c.role == "director"
}

// residentsOnly: online orders belong to the unit's residents (issue #16,
// item 14); the calls name units and orders of the matrix's residents, and
// the route itself refuses those who do not live there.
func residentsOnly(c *caller) bool { return c.kind == "resident" }

var routeRows = map[string]routeRow{
	"GET /api/wuye/calendar/{year}": {calls: func(m *routeMatrix) []routeCall {
		return []routeCall{m.get("/api/wuye/calendar/%s", m.year)}
	}},
	// The 60-day warning names a year, nothing of anyone's; staff only.
	"GET /api/wuye/calendar/warning": {calls: func(m *routeMatrix) []routeCall { return []routeCall{m.get("/api/wuye/calendar/warning")} }},
	// Only the director (and superusers) change the calendar or preview a
	// change (hooks/base_calendar_moves.go); the moves listed are of records
	// the caller may read. 2031 has no open deadline, so nothing moves.
	"POST /api/wuye/calendar/{year}/preview": {writes: calendarWriter, calls: func(m *routeMatrix) []routeCall {
		return []routeCall{{method: http.MethodPost, url: "/api/wuye/calendar/2031/preview", body: `{"days":[{"date":"2031-01-01","kind":"holiday","name":"元旦"}]}`}}
	}},
	"POST /api/wuye/calendar/{year}": {writes: calendarWriter, calls: func(m *routeMatrix) []routeCall {
		return []routeCall{{method: http.MethodPost, url: "/api/wuye/calendar/2031", body: `{"days":[{"date":"2031-01-01","kind":"holiday","name":"元旦"}]}`}}
	}},
	// The installation's VAPID public key, for a page subscribing to Web
	// Push (hooks/base_webpush.go): a public key, to anyone signed in.
	"GET /api/wuye/push/key": {calls: func(m *routeMatrix) []routeCall { return []routeCall{m.get("/api/wuye/push/key")} }},
	"GET /api/wuye/capitals": {calls: func(m *routeMatrix) []routeCall { return []routeCall{m.get("/api/wuye/capitals?fen=1234567")} }},
	"GET /api/wuye/flows":    {calls: func(m *routeMatrix) []routeCall { return []routeCall{m.get("/api/wuye/flows")} }},
	"GET /api/stats/complaints": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/stats/complaints?community=%s&month=%s", m.months)
	}},
	"GET /api/stats/dashboard": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/stats/dashboard?community=%s&month=%s", m.months)
	}},
	// An area manager's own figure; every manager's (by name) for the
	// supervisors and the director, who read the staff list anyway.
	"GET /api/stats/patrols": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/stats/patrols?community=%s&month=%s", m.months)
	}},
	"GET /api/stats/trends": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/stats/trends?community=%s&month=%s&months=12", m.months)
	}},
	"GET /api/stats/work-orders": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/stats/work-orders?community=%s&month=%s", m.months)
	}},
	"GET /api/stats/fees": {calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, g := range []string{"", "&group=building", "&group=fee_item"} {
			out = append(out, m.perCommunity("/api/stats/fees?community=%s&range=%s"+g, m.periods)...)
		}
		return out
	}},
	// The evening round's call list: the parcels' readers of the community
	// (hooks/desk_parcels.go), who list the same parcels.
	"GET /api/wuye/parcels/overdue": {calls: func(m *routeMatrix) []routeCall {
		return append(m.perCommunity("/api/wuye/parcels/overdue?community=%s", nil), m.perCommunity("/api/wuye/parcels/overdue?community=%s&days=1", nil)...)
	}},
	// The dispatch board's cards (hooks/dispatch_board.go): the work
	// orders' list rule, the labels by their view rules; and the re-read of
	// the sampled orders by id.
	"GET /api/wuye/work-orders/board": {calls: func(m *routeMatrix) []routeCall {
		var ids []string
		for _, r := range m.w.samples["work_orders"] {
			ids = append(ids, r.Id)
		}
		return append(m.perCommunity("/api/wuye/work-orders/board?community=%s", nil),
			m.perCommunity("/api/wuye/work-orders/board?community=%s&ids=%s", []string{strings.Join(ids[:min(len(ids), 100)], ",")})...)
	}},
	// The found items held, for residents of the community: their serials
	// are the notice's numbers, which a resident cites to claim an item
	// (hooks/desk_lost_items.go); finder and claimant are never in it.
	"GET /api/wuye/found-items": {shown: []string{"serial"}, calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/wuye/found-items?community=%s", nil)
	}},
	// Security, the desk, supervisors and the director check a pass of
	// their community by its code, once; the probe passes wait for
	// confirmation, so only a demo pass of today may go through.
	"POST /api/wuye/goods-passes/check": {writes: passChecker, calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, r := range m.w.samples["goods_passes"] {
			out = append(out, routeCall{method: http.MethodPost, url: "/api/wuye/goods-passes/check", body: `{"code":"` + r.GetString("code") + `"}`})
		}
		return out
	}},
	// The move-in's routes (hooks/movein_routes.go). A batch without the
	// notice's date opens nothing; a re-inspection without a work order
	// clears nothing.
	"POST /api/wuye/move-ins/batch": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, b := range m.w.samples["buildings"] {
			out = append(out, routeCall{method: http.MethodPost, url: "/api/wuye/move-ins/batch", body: `{"building":"` + b.Id + `"}`})
		}
		return out
	}},
	"POST /api/wuye/move-ins/{id}/reinspect": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/move-ins/%s/reinspect", "move_ins", nil)
	}},
	// The notices of a building (or of one move-in), for the move-in's
	// readers of its community: the owners' names and the units, as the
	// records API shows them.
	"GET /api/wuye/move-ins/notices": {calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, b := range m.w.samples["buildings"] {
			out = append(out, m.get("/api/wuye/move-ins/notices?building=%s", b.Id))
		}
		return append(out, m.perRecord("/api/wuye/move-ins/notices?id=%s", "move_ins")...)
	}},
	// An empty list of charges bills the first period's fees of a move-in
	// whose keys are handed, once: the desk, the cashier, the supervisors
	// and the director of its community.
	"POST /api/wuye/move-ins/{id}/fees": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, r := range m.w.samples["move_ins"] {
			status, community := r.GetString("status"), r.GetString("community")
			out = append(out, routeCall{method: http.MethodPost, url: "/api/wuye/move-ins/" + r.Id + "/fees", body: `{"charges":[]}`,
				may: func(c *caller) bool {
					if status != "keys_handed" && status != "completed" {
						return false
					}
					return c.kind == "superuser" || (c.kind == "staff" && c.communities[community] &&
						slices.Contains([]string{"front_desk", "cashier", "supervisor", "director"}, c.role))
				}})
		}
		return out
	}},
	// An empty body converts nothing (hooks/desk_enquiries.go).
	"POST /api/wuye/enquiries/{id}/convert": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/enquiries/%s/convert", "enquiries", nil)
	}},
	// The meter walk of each building (hooks/fees_meter_walk.go): the
	// area manager of its area, the cashier, supervisor and director.
	"GET /api/wuye/meters/walk": {calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, b := range m.w.recs["buildings"] {
			out = append(out, m.get("/api/wuye/meters/walk?building=%s&meter=water", b.Id))
		}
		return out
	}},
	// The move-out's clearance checklist, for whoever reads the move-out.
	"GET /api/wuye/move-outs/{id}/clearance": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/move-outs/%s/clearance", "move_outs")
	}},
	// The cashier (supervisor, director) of the community bills a move-out
	// awaiting clearance whose final readings are in (hooks/moveout_bill.go).
	"POST /api/wuye/move-outs/{id}/final-bill": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/move-outs/%s/final-bill", "move_outs", func(r *core.Record) func(c *caller) bool {
			status, community := r.GetString("status"), r.GetString("community")
			return func(c *caller) bool {
				if status != "requested" {
					return false
				}
				return c.kind == "superuser" || (c.kind == "staff" && c.communities[community] &&
					slices.Contains([]string{"cashier", "supervisor", "director"}, c.role))
			}
		})
	}},
	"POST /api/wuye/notices/{id}/read": {writes: residentsOnly, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/notices/%s/read", "notices", func(r *core.Record) func(c *caller) bool {
			f := m.w.facts["notices/"+r.Id]
			return func(c *caller) bool { return c.kind == "resident" && scopeWord("unit", c, f) }
		})
	}},
	"GET /api/wuye/notices/{id}/unread": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/notices/%s/unread", "notices")
	}},
	"GET /api/wuye/notices/reads": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/wuye/notices/reads?community=%s", nil)
	}},
	"GET /api/wuye/surveys/{id}/results": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/surveys/%s/results", "surveys")
	}},
	"GET /api/wuye/surveys/{id}/export": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/surveys/%s/export", "surveys")
	}},
	"GET /api/wuye/keys/count": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/wuye/keys/count?community=%s", nil)
	}},
	"GET /api/wuye/vacancy": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/wuye/vacancy?community=%s", nil)
	}},
	"GET /api/wuye/renovations/weekly": {calls: func(m *routeMatrix) []routeCall {
		return m.perCommunity("/api/wuye/renovations/weekly?community=%s", nil)
	}},
	"GET /api/wuye/exports/{kind}": {calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		out = append(out, m.perCommunity("/api/wuye/exports/vacancy?community=%s", nil)...)
		out = append(out, m.perCommunity("/api/wuye/exports/arrears?community=%s", nil)...)
		out = append(out, m.perCommunity("/api/wuye/exports/bills?community=%s&period=%s", m.periods)...)
		for _, kind := range []string{"payments", "complaints", "work_orders"} {
			out = append(out, m.perCommunity("/api/wuye/exports/"+kind+"?community=%s&range=%s", m.years)...)
		}
		out = append(out, m.perCommunity("/api/wuye/exports/report?community=%s&month=%s", m.months)...)
		return out
	}},
	// The household file's export is the director's (and superusers'); the
	// ID numbers are masked unless full=1, which the director reads in full
	// through the records API anyway (hooks/households_export.go).
	"GET /api/wuye/households/export": {calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		out = append(out, m.perCommunity("/api/wuye/households/export?community=%s", nil)...)
		out = append(out, m.perCommunity("/api/wuye/households/export?community=%s&full=1", nil)...)
		return out
	}},
	// The import templates name nothing of anyone's (a sample estate of
	// made-up names and phones); staff only. An import (a dry run here,
	// which writes its batch record) is the community's registry writers'
	// (hooks/imports.go; the cashier's for arrears and readings).
	"GET /api/wuye/imports/templates/{kind}": {calls: func(m *routeMatrix) []routeCall {
		return []routeCall{m.get("/api/wuye/imports/templates/units"), m.get("/api/wuye/imports/templates/residents?sample=1")}
	}},
	"POST /api/wuye/imports": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, community := range m.communities {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			_ = w.WriteField("kind", "buildings")
			_ = w.WriteField("community", community)
			_ = w.WriteField("dry_run", "true")
			fw, _ := w.CreateFormFile("file", "b.csv")
			_, _ = fw.Write([]byte("楼栋编号,楼层数\nZ9,3\n"))
			_ = w.Close()
			out = append(out, routeCall{method: http.MethodPost, url: "/api/wuye/imports", body: body.String(), ctype: w.FormDataContentType(),
				may: func(c *caller) bool {
					return c.kind == "superuser" || c.kind == "staff" && c.communities[community] && (c.role == "supervisor" || c.role == "director")
				}})
		}
		return out
	}},
	"GET /api/wuye/cash-close": {calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, s := range []string{"cashier", "supervisor", "other_staff"} {
			for _, day := range m.payDays {
				out = append(out, m.get("/api/wuye/cash-close?cashier=%s&day=%s", m.w.callerNamed(s).id(), day))
			}
		}
		return append(out, m.get("/api/wuye/cash-close?day=%s", m.payDays[0]))
	}},
	// The receipt names its issuer (the cashier: a receipt says who issued
	// it and to whom), whom a resident cannot look up in the staff list.
	"GET /api/wuye/receipts/{id}": {shown: []string{"issuer"}, calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/receipts/%s", "payments")
	}},
	// The refund voucher names who approved and who paid it (a voucher
	// says who signed it), whom a resident cannot look up in the staff list.
	"GET /api/wuye/deposit-refunds/{id}/receipt": {shown: []string{"approver", "issuer"}, calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/deposit-refunds/%s/receipt", "deposit_refunds")
	}},
	// A deposit's receipt names who took the money, as a receipt does.
	"GET /api/wuye/deposit-receipts/{id}": {shown: []string{"issuer"}, calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/deposit-receipts/%s", "deposit_movements")
	}},
	// The handover sheet names the two clerks who sign it (交接班记录表).
	"GET /api/wuye/shift-handovers/{id}/sheet": {shown: []string{"from_staff", "to_staff"}, calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/shift-handovers/%s/sheet", "shift_handovers")
	}},
	// The special incident report names who registered it, who reported it
	// up and who did what on its timeline, as the paper form does.
	"GET /api/wuye/incidents/{id}/report": {shown: []string{"reported_by", "reported_up_by", "actor"}, calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/incidents/%s/report", "incidents")
	}},
	// An action on an incident's timeline: an empty note is refused for all.
	"POST /api/wuye/incidents/{id}/actions": {calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/incidents/%s/actions", "incidents", nil)
	}},
	"GET /api/wuye/service-statements/{id}/print": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/service-statements/%s/print", "service_statements")
	}},
	// The desk or the cashier (or the supervisor, the director) of the
	// renovation's community bills an approved or permitted renovation.
	"POST /api/wuye/renovations/{id}/fees": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, r := range m.w.samples["renovations"] {
			status, community := r.GetString("status"), r.GetString("community")
			out = append(out, routeCall{method: http.MethodPost, url: "/api/wuye/renovations/" + r.Id + "/fees",
				body: `{"charges":[{"charge":"pass_card","amount_fen":100}]}`,
				may: func(c *caller) bool {
					if status != "approved" && status != "permitted" {
						return false
					}
					return c.kind == "superuser" || (c.kind == "staff" && c.communities[community] &&
						slices.Contains([]string{"front_desk", "cashier", "supervisor", "director"}, c.role))
				}})
		}
		if len(out) == 0 {
			m.t.Fatal("no renovations to bill")
		}
		return out
	}},
	"GET /api/wuye/statements/{unit}": {calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, u := range m.units {
			for _, p := range m.periods {
				out = append(out, m.get("/api/wuye/statements/%s?period=%s", u, p))
			}
		}
		return out
	}},
	"GET /api/wuye/reminders/{id}/notice": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/reminders/%s/notice", "reminders")
	}},
	"GET /api/wuye/violations/{id}/notice": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/violations/%s/notice", "renovation_violations")
	}},
	"GET /api/wuye/passes/{id}/check": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/passes/%s/check", "renovation_passes")
	}},
	"GET /api/wuye/hot-work/{id}/check": {calls: func(m *routeMatrix) []routeCall {
		return m.perRecord("/api/wuye/hot-work/%s/check", "hot_work_permits")
	}},
	"POST /api/wuye/pay/{provider}": {writes: residentsOnly, calls: func(m *routeMatrix) []routeCall {
		var out []routeCall
		for _, u := range m.units {
			out = append(out, routeCall{method: http.MethodPost, url: "/api/wuye/pay/wechat", body: `{"unit":"` + u + `"}`})
		}
		return out
	}},
	"POST /api/wuye/pay/{provider}/sandbox-checkout": {writes: func(c *caller) bool { return c.name == "owner" }, calls: func(m *routeMatrix) []routeCall {
		return []routeCall{{method: http.MethodPost, url: "/api/wuye/pay/wechat/sandbox-checkout", body: `{"trade_no":"` + m.trade + `"}`}}
	}},
	// Links waiting for a resident's answer (hooks/accounts_residents.go):
	// the demo has none, so every confirmation or refusal of a link is
	// refused, whoever sends it.
	"GET /api/wuye/links/pending": {calls: func(m *routeMatrix) []routeCall { return []routeCall{m.get("/api/wuye/links/pending")} }},
	"POST /api/wuye/links/{id}/confirm": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/links/%s/confirm", "unit_residents", nil)
	}},
	"POST /api/wuye/links/{id}/decline": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/links/%s/decline", "unit_residents", nil)
	}},
	// Anyone signed in as staff or a resident may ask for a code to a new
	// number of their own (hooks/accounts_phone.go); only its code confirms.
	"POST /api/wuye/phone-change": {writes: func(c *caller) bool { return c.kind == "staff" || c.kind == "resident" }, calls: func(m *routeMatrix) []routeCall {
		return []routeCall{{method: http.MethodPost, url: "/api/wuye/phone-change", body: `{"phone":"13799990000"}`}}
	}},
	"POST /api/wuye/phone-change/confirm": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return []routeCall{{method: http.MethodPost, url: "/api/wuye/phone-change/confirm", body: `{"phone":"13799990000","code":"000000"}`}}
	}},
	// The desk of a community the resident lives in starts a reset the
	// resident completes.
	"POST /api/wuye/residents/{id}/password-reset": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/residents/%s/password-reset", "residents", func(r *core.Record) func(c *caller) bool {
			return func(c *caller) bool {
				if c.kind != "staff" || !slices.Contains([]string{"front_desk", "supervisor", "director"}, c.role) {
					return false
				}
				return slices.ContainsFunc(r.GetStringSlice("communities"), func(id string) bool { return c.communities[id] })
			}
		})
	}},
	// The supervisor or the director of a delivery's community puts a failed
	// one back in the queue (hooks/base_outbox.go); nobody else, and nothing
	// of a delivery the caller may not read is told (404).
	"POST /api/wuye/deliveries/{id}/retry": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/deliveries/%s/retry", "deliveries", func(r *core.Record) func(c *caller) bool {
			return func(c *caller) bool {
				return c.kind == "staff" && slices.Contains([]string{"supervisor", "director"}, c.role) && c.communities[r.GetString("community")]
			}
		})
	}},
	// A supervisor or the director splits a complaint out of a wrong hot
	// group (hooks/complaints_hot.go), with a reason: the matrix sends none,
	// so every call is refused, and nothing of a complaint the caller may
	// not read is told (404).
	"POST /api/wuye/complaints/{id}/hot-split": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return m.postPerRecord("/api/wuye/complaints/%s/hot-split", "complaints", nil)
	}},
	// Only the provider's signed notification settles an order.
	"POST /api/wuye/pay/{provider}/callback": {writes: nobody, calls: func(m *routeMatrix) []routeCall {
		return []routeCall{{method: http.MethodPost, url: "/api/wuye/pay/wechat/callback", body: `{"trade_no":"` + m.trade + `","amount_fen":1}`}}
	}},
}

// routeMatrix is the state of one run.
type routeMatrix struct {
	t   *testing.T
	w   *world
	h   http.Handler
	ids map[string]string // record id → collection

	serials, phones, names, idCards map[string]bool // every value of these kinds in the data

	communities, months, periods, years, payDays, units []string
	year, trade                                         string

	known map[string]map[string]bool // caller → values they may know

	requests                                int
	probes, tokens, language, pages, writes tally
}

func (m *routeMatrix) get(format string, args ...any) routeCall {
	return routeCall{method: http.MethodGet, url: fmt.Sprintf(format, args...)}
}

// perCommunity calls format (community, then each of values if any) for
// both communities.
func (m *routeMatrix) perCommunity(format string, values []string) []routeCall {
	var out []routeCall
	for _, c := range m.communities {
		if values == nil {
			out = append(out, m.get(format, c))
			continue
		}
		for _, v := range values {
			out = append(out, m.get(format, c, v))
		}
	}
	return out
}

// perRecord calls format for each sampled record of collection.
func (m *routeMatrix) perRecord(format, collection string) []routeCall {
	var out []routeCall
	for _, r := range m.w.samples[collection] {
		out = append(out, m.get(format, r.Id))
	}
	if len(out) == 0 {
		m.t.Fatalf("no %s to call %s on", collection, format)
	}
	return out
}

// postPerRecord posts to format (with each sample of collection's id) with
// an empty JSON body; may, if given, says for each record who may have the
// call succeed.
func (m *routeMatrix) postPerRecord(format, collection string, may func(r *core.Record) func(c *caller) bool) []routeCall {
	var out []routeCall
	for _, r := range m.w.samples[collection] {
		call := routeCall{method: http.MethodPost, url: fmt.Sprintf(format, r.Id), body: `{}`}
		if may != nil {
			call.may = may(r)
		}
		out = append(out, call)
	}
	if len(out) == 0 {
		m.t.Fatalf("no %s to call %s on", collection, format)
	}
	return out
}

// nobody may have the call succeed.
func nobody(*caller) bool { return false }

// passChecker: who may use a goods pass at the gate (hooks/desk_goods_passes.go).
func passChecker(c *caller) bool {
	return c.kind == "staff" && slices.Contains([]string{"security", "front_desk", "supervisor", "director"}, c.role)
}

// registeredRoutes are the routes of rt as "METHOD /path" (PocketBase's
// router keeps its tree unexported: it is read, never changed, by
// reflection).
func registeredRoutes(rt *router.Router[*core.RequestEvent]) []string {
	var out []string
	var walk func(g reflect.Value, prefix string)
	walk = func(g reflect.Value, prefix string) {
		prefix += g.FieldByName("Prefix").String()
		children := g.FieldByName("children")
		for i := 0; i < children.Len(); i++ {
			c := children.Index(i).Elem().Elem()
			if method := c.FieldByName("Method"); method.IsValid() {
				// A route without a method is BuildMux's own not-found
				// fallback for "/".
				if method.String() != "" {
					out = append(out, method.String()+" "+prefix+c.FieldByName("Path").String())
				}
			} else {
				walk(c, prefix)
			}
		}
	}
	walk(reflect.ValueOf(rt.RouterGroup).Elem(), "")
	sort.Strings(out)
	return out
}

// customRoutesOf are the routes of rt that PocketBase's own router lacks:
// its API (apis.NewRouter of another app: building a second router on one
// app registers PocketBase's dashboard routes twice) and its dashboard
// under /_/, which Wuye does not touch.
func customRoutesOf(t *testing.T, rt *router.Router[*core.RequestEvent]) []string {
	base, err := apis.NewRouter(testapp.New(t))
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for _, r := range registeredRoutes(base) {
		own[r] = true
	}
	var out []string
	for _, r := range registeredRoutes(rt) {
		if _, path, _ := strings.Cut(r, " "); !own[r] && !strings.HasPrefix(path, "/_/") {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatal("no custom routes found on the router")
	}
	return out
}

var (
	idToken     = regexp.MustCompile(`\b[a-z0-9]{15}\b`)
	serialToken = regexp.MustCompile(`\b[A-Z]{2,4}-\d{8}-\d{4,}\b`)
	phoneToken  = regexp.MustCompile(`(?:^|\D)(1[3-9]\d{9})(?:\D|$)`)
	idCardToken = regexp.MustCompile(`\b(\d{17}[\dXx])\b`)
	// personKeys are the fields that hold a person's name (residents' and
	// staff's own name besides): workers, outside borrowers, hot-work
	// operators. Contact names on documents are often a role ("住户").
	personKeys = []string{"worker_name", "borrower_name", "operator_name"}
)

func TestRouteMatrix(t *testing.T) {
	w, h, rt := newRouteWorld(t)
	m := &routeMatrix{t: t, w: w, h: h, ids: map[string]string{}, serials: map[string]bool{}, phones: map[string]bool{}, names: map[string]bool{}, idCards: map[string]bool{},
		known: map[string]map[string]bool{}}
	m.setUp()

	routes := customRoutesOf(t, rt)
	for _, r := range routes {
		if _, ok := routeRows[r]; !ok {
			t.Errorf("route %s has no row in routeRows (routes_matrix_test.go): declare how to call it", r)
		}
	}
	for r := range routeRows {
		if !slices.Contains(routes, r) {
			t.Errorf("routeRows declares %s, which is not registered", r)
		}
	}

	for _, c := range w.callers {
		m.known[c.name] = m.oracle(c, nil)
	}
	// Reads first, then the routes that write (online orders, payments).
	sort.SliceStable(routes, func(i, j int) bool {
		return !strings.HasPrefix(routes[i], "POST") && strings.HasPrefix(routes[j], "POST")
	})
	calls := 0
	for _, route := range routes {
		row, ok := routeRows[route]
		if !ok {
			continue
		}
		for _, call := range row.calls(m) {
			calls++
			for _, c := range w.callers {
				m.try(route, row, call, c)
			}
		}
	}
	t.Logf("route matrix: %d routes × %d callers, %d calls, %d requests: probes %v; tokens %v; language %v; pages %v; writes %v",
		len(routes), len(w.callers), calls, m.requests, &m.probes, &m.tokens, &m.language, &m.pages, &m.writes)
}

// newRouteWorld is newWorld (permissions_test.go) with the demo's sandbox
// checkout enabled before the router is built, and the router returned:
// PocketBase cannot build a second router for one app.
func newRouteWorld(t *testing.T) (*world, http.Handler, *router.Router[*core.RequestEvent]) {
	app := testapp.New(t)
	w := &world{t: t, app: app, decls: parseTable(t, permissionTable),
		cols: map[string]*core.Collection{}, recs: map[string][]*core.Record{}, byID: map[string]*core.Record{},
		facts: map[string]facts{}, samples: map[string][]*core.Record{},
		unitsInBuilding: map[string][]string{}, unitsInCommunity: map[string][]string{}, linksOf: map[string][]*core.Record{},
		listed: map[string]map[string]map[string]bool{}, observed: map[string]map[string][]string{}, probes: map[string]*tally{}}
	seedMatrix(t, app)
	seedRouteMatrix(t, app)
	hooks.EnableSandboxCheckout(app) // as `wuye demo` does
	h, rt := biHandler(t, app)
	w.h = h
	all, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		w.cols[c.Name] = c
		if !c.System {
			w.names = append(w.names, c.Name)
		}
	}
	w.load()
	w.loadCallers()
	return w, h, rt
}

// seedRouteMatrix adds what the routes' side of the matrix needs besides
// the permission matrix's data: a complaint about each community's
// supervisor (hidden from them; the export and the dashboard showed it),
// due within the dashboard's warning window.
func seedRouteMatrix(t *testing.T, app core.App) {
	col, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct{ unit, about, desk, phone string }{
		{"unit:1-102", "supervisor@example.com", "frontdesk@example.com", "13911110001"},
		{"unit:A-101", "supervisor.yx@example.com", "frontdesk.yx@example.com", "13911110002"},
	} {
		c := core.NewRecord(col)
		for k, v := range map[string]any{"unit": testapp.ID(t, x.unit), "channel": "phone", "category": "staff_attitude", "level": "major",
			"content": "投诉客服主管", "contact_name": "来电住户", "contact_phone": x.phone, "about_service_center": true,
			"subject_staff": testapp.ID(t, "staff:"+x.about)} {
			c.Set(k, v)
		}
		desk, err := app.FindAuthRecordByEmail("staff", x.desk)
		if err != nil {
			t.Fatal(err)
		}
		if err := hooks.FileComplaint(app, c, desk); err != nil {
			t.Fatal(err)
		}
		due := c.GetDateTime("received_at").Time().Add(time.Hour).UTC().Format(types.DefaultDateLayout)
		if _, err := app.DB().NewQuery("UPDATE complaints SET first_response_due = {:d} WHERE id = {:id}").
			Bind(dbx.Params{"d": due, "id": c.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
}

// setUp collects the kinds of value the oracle tracks and the parameters
// the rows call the routes with.
func (m *routeMatrix) setUp() {
	w := m.w
	personal := map[string]bool{"residents": true, "staff": true}
	for _, name := range w.names {
		if w.cols[name].System {
			continue
		}
		for _, r := range w.recs[name] {
			m.ids[r.Id] = name
			if s := r.GetString("serial"); s != "" {
				m.serials[s] = true
			}
			for k, v := range r.FieldsData() {
				s, ok := v.(string)
				if !ok || s == "" {
					continue
				}
				for _, p := range phoneToken.FindAllStringSubmatch(s, -1) {
					m.phones[p[1]] = true
				}
				for _, p := range idCardToken.FindAllStringSubmatch(s, -1) {
					m.idCards[p[1]] = true
				}
				if (personal[name] && k == "name") || slices.Contains(personKeys, k) {
					if utf8Len(s) >= 2 && hasHan(s) {
						m.names[s] = true
					}
				}
			}
		}
	}
	// Words of the vocabularies the routes print (state names, roles …)
	// are no one's name, even where seeded data uses one as a name.
	for _, target := range []string{"/api/wuye/flows", "/api/wuye/calendar/" + time.Now().Format("2006")} {
		_, words := m.do(w.callerNamed("superuser"), http.MethodGet, target, "", "")
		for n := range m.names {
			if strings.Contains(words, n) {
				delete(m.names, n)
			}
		}
	}
	m.communities = []string{testapp.ID(m.t, "community:CH"), testapp.ID(m.t, "community:YX")}
	now := time.Now().In(workcal.Shanghai)
	m.year = now.Format("2006")
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	add(&m.months, now.Format("2006-01"))
	add(&m.months, now.AddDate(0, -1, 0).Format("2006-01"))
	for _, b := range w.recs["bills"] {
		add(&m.periods, b.GetString("period"))
	}
	for _, c := range w.recs["complaints"] {
		add(&m.years, c.GetDateTime("received_at").Time().In(workcal.Shanghai).Format("2006"))
	}
	for _, p := range w.samples["payments"] {
		if len(m.payDays) < 3 {
			add(&m.payDays, p.GetDateTime("created").Time().In(workcal.Shanghai).Format(time.DateOnly))
		}
	}
	add(&m.payDays, now.Format(time.DateOnly))
	// Units: every unit a named resident is linked to, and the first of
	// each community.
	for _, c := range w.callers {
		for u := range c.linked {
			add(&m.units, u)
		}
	}
	for _, c := range m.communities {
		if us := w.unitsInCommunity[c]; len(us) > 0 {
			add(&m.units, us[0])
		}
	}
	sort.Strings(m.units)
	if len(m.periods) == 0 || len(m.years) == 0 {
		m.t.Fatal("no bills or complaints in the matrix data")
	}
	// A pending online order of owner1's, for the sandbox checkout.
	code, body := m.do(m.w.callerNamed("owner"), http.MethodPost, "/api/wuye/pay/wechat", `{"unit":"`+testapp.ID(m.t, "unit:1-101")+`"}`, "")
	var started struct {
		Order struct {
			TradeNo string `json:"trade_no"`
		} `json:"order"`
	}
	if err := json.Unmarshal([]byte(body), &started); err != nil || code != 200 {
		m.t.Fatalf("an online order of owner1's: %d %s", code, body)
	}
	m.trade = started.Order.TradeNo
}

func utf8Len(s string) int { return len([]rune(s)) }

// do sends one request as c from its own client address (as the
// permission matrix does: PocketBase's per-address pauses are not under test).
func (m *routeMatrix) do(c *caller, method, target, body, lang string) (int, string) {
	rec := m.send(c, method, target, body, lang)
	return rec.Code, rec.Body.String()
}

func (m *routeMatrix) send(c *caller, method, target, body, lang string) *httptest.ResponseRecorder {
	return m.sendAs(c, method, target, body, lang, "")
}

// sendAs is send with the body's content type (JSON when empty).
func (m *routeMatrix) sendAs(c *caller, method, target, body, lang, ctype string) *httptest.ResponseRecorder {
	m.requests++
	n := m.requests
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = fmt.Sprintf("11.%d.%d.%d:1234", n>>16&255, n>>8&255, n&255)
	if ctype == "" {
		ctype = "application/json"
	}
	req.Header.Set("Content-Type", ctype)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if c.email != "" {
		req.Header.Set("Authorization", testapp.Token(m.t, c.email))
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	return rec
}

// oracle lists collections (all of Wuye's when nil) as c through the
// records API, every page, and returns every value of the answers and
// every token inside them: what c may know.
func (m *routeMatrix) oracle(c *caller, collections []string) map[string]bool {
	if collections == nil {
		for _, name := range m.w.names {
			if !m.w.cols[name].System {
				collections = append(collections, name)
			}
		}
	}
	known := map[string]bool{}
	for _, name := range collections {
		for page := 1; ; page++ {
			q := url.Values{"perPage": {"500"}, "page": {fmt.Sprint(page)}, "skipTotal": {"1"}}
			code, body := m.do(c, http.MethodGet, "/api/collections/"+name+"/records?"+q.Encode(), "", "")
			if code != 200 {
				break
			}
			var out struct {
				Items []any `json:"items"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				m.t.Fatal(err)
			}
			for _, it := range out.Items {
				walkJSON(it, "", func(_, s string) {
					known[s] = true
					for _, tok := range m.tokensIn(s, false) {
						known[tok] = true
					}
				})
			}
			if len(out.Items) < 500 {
				break
			}
		}
	}
	return known
}

// walkJSON calls fn for every string in v with the key it is under.
func walkJSON(v any, key string, fn func(key, s string)) {
	switch x := v.(type) {
	case string:
		fn(key, x)
	case []any:
		for _, e := range x {
			walkJSON(e, key, fn)
		}
	case map[string]any:
		for k, e := range x {
			walkJSON(e, k, fn)
		}
	}
}

// tokensIn are the ids, serials, phones and ID numbers in s (and, when
// names is set, the names of people it contains).
func (m *routeMatrix) tokensIn(s string, names bool) []string {
	var out []string
	for _, id := range idToken.FindAllString(s, -1) {
		if m.ids[id] != "" {
			out = append(out, id)
		}
	}
	for _, sn := range serialToken.FindAllString(s, -1) {
		if m.serials[sn] {
			out = append(out, sn)
		}
	}
	for _, p := range phoneToken.FindAllStringSubmatch(s, -1) {
		if m.phones[p[1]] {
			out = append(out, p[1])
		}
	}
	for _, p := range idCardToken.FindAllStringSubmatch(s, -1) {
		if m.idCards[p[1]] {
			out = append(out, p[1])
		}
	}
	if names && hasHan(s) {
		for n := range m.names {
			if strings.Contains(s, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// try calls one route as c and checks the answer.
func (m *routeMatrix) try(route string, row routeRow, call routeCall, c *caller) {
	t := m.t
	rec := m.sendAs(c, call.method, call.url, call.body, "", call.ctype)
	body := rec.Body.String()
	where := fmt.Sprintf("%s %s as %s", call.method, call.url, c.name)
	ok := true

	// What the answer holds, by kind of body.
	type piece struct{ key, s string }
	var pieces []piece
	ct := rec.Header().Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Errorf("%s: not JSON: %v", where, err)
			ok = false
		}
		walkJSON(v, "", func(k, s string) { pieces = append(pieces, piece{k, s}) })
	case strings.Contains(ct, "spreadsheetml"):
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		for _, sh := range f.GetSheetList() {
			rows, _ := f.GetRows(sh)
			for _, r := range rows {
				for _, cell := range r {
					pieces = append(pieces, piece{"", cell})
				}
			}
		}
		f.Close()
	case strings.HasPrefix(ct, "text/html"):
		pieces = append(pieces, piece{"", htmlText(body)})
		hd := rec.Header()
		held := strings.Contains(hd.Get("Content-Security-Policy"), "default-src 'none'") &&
			strings.Contains(hd.Get("Cache-Control"), "no-store") && hd.Get("X-Content-Type-Options") == "nosniff"
		if !m.pages.add(held, false) {
			t.Errorf("%s: an HTML page without its own CSP/no-store/nosniff: %v", where, hd)
			ok = false
		}
	default:
		pieces = append(pieces, piece{"", body})
	}

	// Refusals speak Chinese first.
	if rec.Code >= 400 {
		var e struct{ Message string }
		_ = json.Unmarshal([]byte(body), &e)
		if !m.language.add(hasHan(e.Message), false) {
			t.Errorf("%s: %d refused without Chinese: %s", where, rec.Code, body)
			ok = false
		}
	}

	// Every token must be one the caller may know, or sent.
	sent := call.url + " " + call.body
	for _, p := range pieces {
		if slices.Contains(row.shown, p.key) {
			continue
		}
		for _, tok := range m.tokensIn(p.s, true) {
			if strings.Contains(sent, tok) {
				continue
			}
			held := m.known[c.name][tok]
			if !m.tokens.add(held, !held) {
				t.Errorf("%s: %q (%s) is not in what the records API shows %s", where, tok, m.kindOf(tok), c.name)
				ok = false
			}
		}
	}
	if call.method != http.MethodGet {
		allowed := row.writes != nil && row.writes(c)
		if call.may != nil {
			allowed = call.may(c)
		}
		if !m.writes.add(rec.Code >= 400 || allowed, false) {
			t.Errorf("%s: %d, a change that is not the caller's to make: %s", where, rec.Code, body)
			ok = false
		}
	}
	m.probes.add(ok, !ok)
	// What the writing routes made is the caller's to know from now on.
	if call.method == http.MethodPost && rec.Code == 200 {
		for k := range m.oracle(c, []string{"online_orders", "payments", "bills", "events"}) {
			m.known[c.name][k] = true
		}
	}
}

func (m *routeMatrix) kindOf(tok string) string {
	switch {
	case m.ids[tok] != "":
		return "id of " + m.ids[tok]
	case m.serials[tok]:
		return "serial"
	case m.phones[tok]:
		return "phone"
	case m.names[tok]:
		return "name"
	}
	return "ID number"
}

// htmlText is the text of an HTML page (what a printed notice shows): its
// tags made line breaks, its entities decoded.
func htmlText(page string) string {
	return html.UnescapeString(htmlTag.ReplaceAllString(page, "\n"))
}

var htmlTag = regexp.MustCompile(`(?s)<[^>]*>`)
