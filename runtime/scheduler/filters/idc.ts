import { Filter } from "../filter";

/** A pool runs only in the IDCs it lists. */
export const idc: Filter = {
  name: "idc",
  static: true,
  accepts: (host, request) => request.idcs.includes(host.host.idc),
};
