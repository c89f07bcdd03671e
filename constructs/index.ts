export * from "./idc";
export * from "./network";
export * from "./fleet";
export * from "./host-buffer";
export * from "./service-pool";
export * from "./dependency-template";
export * from "./load-balancer";
export * from "./dcp-stack";
