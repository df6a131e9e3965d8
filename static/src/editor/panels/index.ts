// The editor's panels, as contract.ts names them: the editor core imports
// this module (import * as panels from "./panels/index.ts").

export { renderWidgetPanel } from "./widget.ts";
export { renderSettingsPanel } from "./settings.ts";
export { openAddVariantDialog } from "./variants.ts";
