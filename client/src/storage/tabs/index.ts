/** Many tabs, one leader: the tab protocol and both of its sides (Node-safe). */
export { applyWrite, type DocumentMap, type Documents } from './documents';
export { FollowerStore, type FollowerStoreOptions, type LocalLeader } from './follower';
export { LeaderHub, type CallHandlers, type LeaderHubOptions } from './leader';
export { TabStore } from './tab-store';
export { Tab, type Leading, type TabOptions, type TabRole } from './tab';
