package main

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"sort"
	"time"

	"wuye/demo"
)

// world is what the soak knows of the demo community after signing in:
// the accounts, the units and who lives where, and the price list.
type world struct {
	base      string
	m         *metrics
	community string

	supervisor, desk, cashier *client
	techs                     []*client
	residents                 []*resident

	units        []unitInfo          // every unit of the community
	unitResident map[string][]string // unit id → current residents' ids
	items        []map[string]any    // active service items a resident may choose
	skills       map[string]bool     // trades some technician has

}

type resident struct {
	*client
	units     []string // unit ids the resident lives in
	community string
	period    string // a billing period seen on the resident's bills
}

type unitInfo struct {
	id, building, number string
}

// loopback addresses: staff on 127.0.1.x, residents on 127.0.2.x (the
// sign-in limit is per address, as it is per household in real life).
func staffIP(i int) net.IP    { return net.IPv4(127, 0, 1, byte(1+i)) }
func residentIP(i int) net.IP { return net.IPv4(127, 0, 2, byte(1+i%250)) }

// generated matches the phones of the demo's generated households; residents
// sign in with their phone, which the supervisor reads (residents' e-mails
// are their own: no member of staff sees them).
var generated = regexp.MustCompile(`^1370000\d{4}$`)

// namedResidents are the demo's named owners the soak signs in as too
// (owner1 and owner2 of README's table), by phone.
var namedResidents = map[string]bool{"13800000001": true, "13800000004": true}

// setup signs the staff and residents in and learns the community.
func setup(ctx context.Context, base string, m *metrics) (*world, error) {
	w := &world{base: base, m: m, unitResident: map[string][]string{}, skills: map[string]bool{}}
	staff := func(i int, email string) (*client, error) {
		c := newClient(base, staffIP(i), m)
		return c, c.signIn(ctx, "staff", email, demo.Password)
	}
	var err error
	if w.supervisor, err = staff(0, "supervisor@example.com"); err != nil {
		return nil, err
	}
	if w.desk, err = staff(1, "frontdesk@example.com"); err != nil {
		return nil, err
	}
	if w.cashier, err = staff(2, "cashier@example.com"); err != nil {
		return nil, err
	}
	for i, email := range []string{"tech1@example.com", "tech2@example.com"} {
		t, err := staff(3+i, email)
		if err != nil {
			return nil, err
		}
		for _, s := range strs(t.record, "skills") {
			w.skills[s] = true
		}
		w.techs = append(w.techs, t)
	}
	comms := strs(w.supervisor.record, "communities")
	if len(comms) == 0 {
		return nil, fmt.Errorf("supervisor serves no community")
	}
	w.community = comms[0]

	// The units and their current residents, as the supervisor sees them.
	var units list
	if _, err := w.supervisor.do(ctx, "setup", "GET", records("units", "perPage", "500", "skipTotal", "1",
		"filter", "community = "+q(w.community), "expand", "building", "fields", "id,number,expand.building.code"), nil, &units); err != nil {
		return nil, err
	}
	for _, u := range units.Items {
		b := ""
		if e, ok := u["expand"].(map[string]any); ok {
			if bm, ok := e["building"].(map[string]any); ok {
				b = str(bm, "code")
			}
		}
		w.units = append(w.units, unitInfo{id: str(u, "id"), building: b, number: str(u, "number")})
	}
	var links list
	if _, err := w.supervisor.do(ctx, "setup", "GET", records("unit_residents", "perPage", "1000", "skipTotal", "1",
		"filter", "active = true && unit.community = "+q(w.community), "expand", "resident", "fields", "unit,resident,expand.resident.phone"), nil, &links); err != nil {
		return nil, err
	}
	phones := map[string]bool{}
	for _, l := range links.Items {
		w.unitResident[str(l, "unit")] = append(w.unitResident[str(l, "unit")], str(l, "resident"))
		if e, ok := l["expand"].(map[string]any); ok {
			if r, ok := e["resident"].(map[string]any); ok {
				if phone := str(r, "phone"); generated.MatchString(phone) || namedResidents[phone] {
					phones[phone] = true
				}
			}
		}
	}
	names := make([]string, 0, len(phones))
	for e := range phones {
		names = append(names, e)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("found no demo residents to sign in")
	}
	for i, phone := range names {
		c := newClient(base, residentIP(i), m)
		if err := c.signIn(ctx, "residents", phone, demo.Password); err != nil {
			return nil, err
		}
		r := &resident{client: c}
		var mine list
		if _, err := c.do(ctx, "setup", "GET", records("unit_residents", "perPage", "100", "skipTotal", "1",
			"filter", "resident = "+q(c.id)+" && active = true", "expand", "unit", "sort", "created"), nil, &mine); err != nil {
			return nil, err
		}
		for _, l := range mine.Items {
			r.units = append(r.units, str(l, "unit"))
			if e, ok := l["expand"].(map[string]any); ok {
				if u, ok := e["unit"].(map[string]any); ok && r.community == "" {
					r.community = str(u, "community")
				}
			}
		}
		if len(r.units) == 0 {
			continue
		}
		w.residents = append(w.residents, r)
	}
	if len(w.residents) == 0 {
		return nil, fmt.Errorf("no signed-in resident has a unit")
	}

	// The price list a resident picks from: items some technician can do,
	// not paid in advance (those the desk handles at the counter).
	var items list
	if _, err := w.residents[0].do(ctx, "setup", "GET", records("service_items", "perPage", "200", "skipTotal", "1",
		"filter", "community = "+q(w.residents[0].community)+" && active = true", "sort", "code"), nil, &items); err != nil {
		return nil, err
	}
	for _, it := range items.Items {
		if w.skills[str(it, "category")] && it["prepay"] != true {
			w.items = append(w.items, it)
		}
	}
	return w, nil
}

// shanghai is office time (no daylight saving).
var shanghai = time.FixedZone("CST", 8*3600)

func today() string { return time.Now().In(shanghai).Format("2006-01-02") }
func month() string { return time.Now().In(shanghai).Format("2006-01") }

// skillList lists the trades some technician has, sorted.
func (w *world) skillList() []string {
	out := make([]string, 0, len(w.skills))
	for s := range w.skills {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
