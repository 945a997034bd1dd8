// The staff roles the workspace's screens group together, to shape menus,
// queues and forms (the API rules decide what each role may actually read
// and change; docs/DESIGN.md § Accounts and access).

/** DESK: the front desk and those who stand in for it. */
export const DESK = ['front_desk', 'supervisor', 'director'];

/** CASH: who takes money at the cashier's desk. */
export const CASH = ['cashier', 'supervisor', 'director'];
