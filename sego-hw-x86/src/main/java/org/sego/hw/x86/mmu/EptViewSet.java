package org.sego.hw.x86.mmu;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.hw.EptView;
import org.sego.api.hw.EptViews;

/** The machine's EPT views: view 0 for the OS, more created by the strategy. */
public final class EptViewSet implements EptViews {
  private final List<EptTable> views = new ArrayList<>();
  private final long guestFrames;
  private final Tlb tlb;

  public EptViewSet(long guestFrames, Tlb tlb) {
    this.guestFrames = guestFrames;
    this.tlb = tlb;
    views.add(new EptTable(0, "os", guestFrames, true, tlb));
  }

  @Override
  public EptView os() {
    return views.get(0);
  }

  @Override
  public EptView create(String name) {
    EptTable t = new EptTable(views.size(), name, guestFrames, false, tlb);
    views.add(t);
    return t;
  }

  @Override
  public EptView get(int id) {
    if (id < 0 || id >= views.size()) {
      throw new IllegalArgumentException("no EPT view " + id + "; views 0.." + (views.size() - 1));
    }
    return views.get(id);
  }

  @Override
  public int count() {
    return views.size();
  }

  @Override
  public long invalidations() {
    long n = 0;
    for (int i = 0; i < views.size(); i++) { // (no iterator: asked after every strategy call)
      n += views.get(i).invalidations();
    }
    return n;
  }

  @Override
  public long splinters() {
    long n = 0;
    for (int i = 0; i < views.size(); i++) {
      n += views.get(i).splinters();
    }
    return n;
  }
}
