package io.tessera.identity.distributed;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A multi-identifier event waiting for the Directory's replies (or done). */
public final class GatherState<E> implements java.io.Serializable {
    public List<String> identifiers;
    public String anchor;
    public long time;
    public E payload;
    public Map<String, ClusterId> replies = new TreeMap<>();
    public boolean done;
}
