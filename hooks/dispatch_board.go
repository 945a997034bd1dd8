package hooks

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// The live dispatch board's cards (docs/DESIGN.md, Dispatch): the open work
// orders of a community, or those of them a realtime message named, with
// only what a card shows. The board read them through the records list with
// expand=unit: under load each re-read of 100 changed orders cost the server
// 20–33 ms, most of it building full records (some 45 fields each) and
// encoding them with their expansions (BENCHMARKS.md § Realtime). Here one
// query selects the card's columns, and the unit's, building's and service
// item's labels are read in SQL too, once per record however many cards
// show it (where an expand reads each again per card).
//
// Who sees what is PocketBase's own: the work orders' list rule, evaluated
// by its resolver for the caller (ruleCondition, hooks/base_route_rules.go),
// and for each label the view rule of its record, as an expand checks it
// (an order whose unit the caller may not view comes without the unit).
// A resident's household orders filed by someone else come without the
// filer's contact, as the records API hides it (hooks/guard_resident_ids.go).
// TestWorkOrderBoardMatchesTheRecordsAPI holds all of it, field by field, to
// the records API for every caller of the permission matrix, so that a mask
// or a hidden field added to a card's field later fails there first.

func registerDispatchBoard(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/work-orders/board", workOrderBoardRoute).Bind(apis.RequireAuth())
		return se.Next()
	})
}

func init() {
	messages["wuye_too_many_ids"] = text{"一次最多 %[1]v 个", "At most %[1]v at a time."}
	fieldLabels["ids"] = text{"记录编号", "Record ids"}
}

// BoardStatuses are the statuses of the orders on the dispatch board
// (pb_public/js/staff/desk/dispatch.js BOARD).
var BoardStatuses = []string{"new", "dispatched", "accepted", "on_site", "quoted", "in_progress"}

// BoardMaxIDs is how many orders one re-read names at most (the page's
// chunk, core/realtime.js FETCH_CHUNK).
const BoardMaxIDs = 100

// recordID is the form of the record ids PocketBase generates (the only
// ones Wuye makes): core.DefaultIdLength characters of its alphabet.
var recordID = regexp.MustCompile(fmt.Sprintf("^[%s]{%d}$", core.DefaultIdAlphabet, core.DefaultIdLength))

// boardColumns are the work order's fields a card shows (OrderCard,
// AssignForm, columnOf, placeOf) and the board's bookkeeping reads
// (community and status to keep it on the board, updated to order re-reads).
var boardColumns = []string{
	"id", "serial", "status", "community", "unit", "building", "location", "reply_due", "reply_overdue",
	"appointment_at", "arrival_due", "arrival", "rework_of", "source", "receiver", "urgency", "category",
	"service_item", "description", "contact_name", "contact_phone", "received_at", "technician", "dispatch_mode",
	"updated",
}

// BoardColumns are the work order's fields of a card, for the tests.
func BoardColumns() []string { return slices.Clone(boardColumns) }

// BoardOrder is one card. Dates are as PocketBase writes them
// ("2006-01-02 15:04:05.000Z", "" for none); the labels are under expand,
// as the records API would expand them, with their few fields.
type BoardOrder struct {
	ID            string  `db:"id" json:"id"`
	Serial        string  `db:"serial" json:"serial"`
	Status        string  `db:"status" json:"status"`
	Community     string  `db:"community" json:"community"`
	Unit          string  `db:"unit" json:"unit"`
	Building      string  `db:"building" json:"building"`
	Location      string  `db:"location" json:"location"`
	ReplyDue      string  `db:"reply_due" json:"reply_due"`
	ReplyOverdue  bool    `db:"reply_overdue" json:"reply_overdue"`
	AppointmentAt string  `db:"appointment_at" json:"appointment_at"`
	ArrivalDue    string  `db:"arrival_due" json:"arrival_due"`
	Arrival       string  `db:"arrival" json:"arrival"`
	ReworkOf      string  `db:"rework_of" json:"rework_of"`
	Source        string  `db:"source" json:"source"`
	Receiver      string  `db:"receiver" json:"receiver"`
	Urgency       string  `db:"urgency" json:"urgency"`
	Category      string  `db:"category" json:"category"`
	ServiceItem   string  `db:"service_item" json:"service_item"`
	Description   string  `db:"description" json:"description"`
	ContactName   *string `db:"-" json:"contact_name,omitempty"`  // nil: hidden from the caller
	ContactPhone  *string `db:"-" json:"contact_phone,omitempty"` // nil: hidden from the caller
	ReceivedAt    string  `db:"received_at" json:"received_at"`
	Technician    string  `db:"technician" json:"technician"`
	DispatchMode  string  `db:"dispatch_mode" json:"dispatch_mode"`
	Updated       string  `db:"updated" json:"updated"`
	Expand        struct {
		Unit        *BoardUnit     `json:"unit,omitempty"`
		Building    *BoardBuilding `json:"building,omitempty"`
		ServiceItem *BoardItem     `json:"service_item,omitempty"`
	} `json:"expand"`
}

// BoardUnit is the unit of a card (core/format.js unitName).
type BoardUnit struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Building string `json:"building"`
	Expand   struct {
		Building *BoardBuilding `json:"building,omitempty"`
	} `json:"expand"`
}

// BoardBuilding is a building's labels.
type BoardBuilding struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"`
}

// BoardItem is a service item's label.
type BoardItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// boardRow is a row of the board's query: the card's columns, and whom
// the order's contact is hidden from.
type boardRow struct {
	BoardOrder
	Requester string `db:"requester"`
	Contact   string `db:"contact_name_"`
	Phone     string `db:"contact_phone_"`
}

// WorkOrderBoard reads the cards of community's open work orders — of those
// with ids, when ids are given — that the caller of info may list through
// the records API, oldest first.
func WorkOrderBoard(app core.App, info *core.RequestInfo, community string, ids []string) ([]BoardOrder, error) {
	listed, params, err := ruleCondition(app, info, "work_orders", "wo")
	if err != nil {
		return nil, err
	}
	params["community"] = community
	var sb strings.Builder
	sb.WriteString("SELECT ")
	for _, c := range boardColumns {
		if c == "contact_name" || c == "contact_phone" {
			sb.WriteString("wo." + c + " AS " + c + "_, ")
			continue
		}
		sb.WriteString("wo." + c + ", ")
	}
	// Re-reading by id, the ids' primary-key lookups; the "+" keeps SQLite
	// from walking the community's open orders by status instead (its
	// choice for the same query without them).
	plus := ""
	if ids != nil {
		plus = "+"
	}
	sb.WriteString("wo.requester FROM work_orders wo WHERE " + plus + "wo.community = {:community} AND " + plus + "wo.status IN (")
	for i, s := range BoardStatuses {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("'" + s + "'")
	}
	sb.WriteString(")")
	if ids != nil {
		sb.WriteString(" AND wo.id IN (" + inList(params, "id", ids) + ")")
	}
	sb.WriteString(" AND " + listed)
	var rows []boardRow
	if err := app.DB().NewQuery(sb.String()).Bind(params).All(&rows); err != nil {
		return nil, err
	}
	// The labels, each record once however many cards show it, and only
	// those the caller may view (as an expand shows them).
	var unitIDs, buildingIDs, itemIDs []string
	for _, r := range rows {
		unitIDs = appendNew(unitIDs, r.Unit)
		buildingIDs = appendNew(buildingIDs, r.Building)
		itemIDs = appendNew(itemIDs, r.ServiceItem)
	}
	var units []struct {
		ID       string `db:"id"`
		Number   string `db:"number"`
		Building string `db:"building"`
	}
	if err := viewable(app, info, "units", "id, number, building", unitIDs, &units); err != nil {
		return nil, err
	}
	unitOf := map[string]*BoardUnit{}
	for _, u := range units {
		unitOf[u.ID] = &BoardUnit{ID: u.ID, Number: u.Number, Building: u.Building}
		buildingIDs = appendNew(buildingIDs, u.Building)
	}
	var buildings []BoardBuilding
	if err := viewable(app, info, "buildings", "id, name, code", buildingIDs, &buildings); err != nil {
		return nil, err
	}
	buildingOf := map[string]*BoardBuilding{}
	for i := range buildings {
		buildingOf[buildings[i].ID] = &buildings[i]
	}
	var items []BoardItem
	if err := viewable(app, info, "service_items", "id, name", itemIDs, &items); err != nil {
		return nil, err
	}
	itemOf := map[string]*BoardItem{}
	for i := range items {
		itemOf[items[i].ID] = &items[i]
	}
	auth := info.Auth
	out := make([]BoardOrder, len(rows))
	for i := range rows {
		r := &rows[i]
		o := r.BoardOrder
		// A household's order filed by another member: the filer's contact
		// stays hidden (hideOtherResidents).
		if !isResident(auth) || r.Requester == auth.Id {
			o.ContactName, o.ContactPhone = &r.Contact, &r.Phone
		}
		if u := unitOf[o.Unit]; u != nil {
			card := *u
			card.Expand.Building = buildingOf[u.Building]
			o.Expand.Unit = &card
		}
		o.Expand.Building = buildingOf[o.Building]
		o.Expand.ServiceItem = itemOf[o.ServiceItem]
		out[i] = o
	}
	slices.SortFunc(out, func(a, b BoardOrder) int {
		if c := strings.Compare(a.ReceivedAt, b.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// viewable reads columns of the records of collection with ids that the
// caller of info may view, into out.
func viewable(app core.App, info *core.RequestInfo, collection, columns string, ids []string, out any) error {
	if len(ids) == 0 {
		return nil
	}
	cond, params, err := viewRuleCondition(app, info, collection, "x")
	if err != nil {
		return err
	}
	return app.DB().NewQuery("SELECT " + columns + " FROM " + collection + " x WHERE x.id IN (" + inList(params, "id", ids) +
		") AND " + cond).Bind(params).All(out)
}

func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// workOrderBoardRoute answers GET /api/wuye/work-orders/board?community=…
// [&ids=a,b,c]: the board's cards, all of them or those of the orders named
// (at most BoardMaxIDs) — an order no longer on the board, or not the
// caller's to list, simply does not come back, and the page drops it.
func workOrderBoardRoute(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	errs := validation.Errors{}
	community := strings.TrimSpace(q.Get("community"))
	switch {
	case community == "":
		errs["community"] = codedError("validation_required")
	case !recordID.MatchString(community):
		errs["community"] = codedError("validation_invalid_value")
	}
	var ids []string
	if q.Has("ids") {
		ids = []string{}
		seen := map[string]bool{}
		for _, id := range strings.Split(q.Get("ids"), ",") {
			id = strings.TrimSpace(id)
			if id == "" || seen[id] {
				continue
			}
			if !recordID.MatchString(id) {
				errs["ids"] = codedError("validation_invalid_value")
				break
			}
			seen[id] = true
			ids = append(ids, id)
		}
		switch {
		case errs["ids"] != nil:
		case len(ids) == 0:
			errs["ids"] = codedError("validation_required")
		case len(ids) > BoardMaxIDs:
			errs["ids"] = codedError("wuye_too_many_ids", BoardMaxIDs)
		}
	}
	if len(errs) > 0 {
		return badRequest(errs)
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	items, err := WorkOrderBoard(e.App, info, community, ids)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}
