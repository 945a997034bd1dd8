// The staff roles the workspace's screens group together, to shape menus,
// queues and forms (the API rules decide what each role may actually read
// and change; docs/DESIGN.md § Accounts and access).

/** DESK: the front desk and those who stand in for it. */
export const DESK = ['front_desk', 'supervisor', 'director'];

/**
 * COMPLAINT_DESK: who takes the desk's steps of a complaint — the desk, and
 * the administration office (行政人事部) for the complaints about the service
 * center, the only ones it sees ([003] 2.2.8).
 */
export const COMPLAINT_DESK = [...DESK, 'admin_office'];

/** CASH: who takes money at the cashier's desk. */
export const CASH = ['cashier', 'supervisor', 'director'];

/** REGISTRY_WRITERS change the registry (registryWriter, migrations/rules.go). */
export const REGISTRY_WRITERS = ['supervisor', 'director'];
/** REGISTRY_READERS have the registry screens in their menu. */
export const REGISTRY_READERS = ['front_desk', 'area_manager', 'cashier', ...REGISTRY_WRITERS];
